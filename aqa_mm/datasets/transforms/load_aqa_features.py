"""LoadAQAFeatures: read a sample's cached per-stream features."""
import pickle
from typing import Dict, Optional, Sequence

from mmcv.transforms import BaseTransform

from aqa_mm.datasets.feature_cache import load_features
from aqa_mm.registry import TRANSFORMS
from aqa_mm.utils.cli import DataError


@TRANSFORMS.register_module()
class LoadAQAFeatures(BaseTransform):
    """Load ``results['feature_file']`` into ``feat_<stream>`` keys.

    Required Keys: ``feature_file``, ``frame_dir``.
    Added Keys: ``feat_skeleton`` (C^s,), ``feat_rgb`` (C^r,) (float32),
    ``gt_preference`` (int, with ``preference_file``).

    Args:
        streams (Sequence[str]): Streams to load. Defaults to
            ``('skeleton', 'rgb')``.
        preference_file (str, optional): Pickle of ``{frame_dir: label}``
            written by ``tools/crossfit_preferences.py``; adds
            ``gt_preference`` (for ``PFMHead(preference='given')``).
            Defaults to None.
    """

    def __init__(self, streams: Sequence[str] = ('skeleton', 'rgb'),
                 preference_file: Optional[str] = None) -> None:
        self.streams = tuple(streams)
        self.preference_file = preference_file
        self._preferences: Optional[Dict[str, int]] = None

    def _preference(self, frame_dir: str) -> int:
        if self._preferences is None:
            try:
                with open(self.preference_file, 'rb') as f:
                    self._preferences = pickle.load(f)
            except OSError as exc:
                raise DataError(f'preference file {self.preference_file}: '
                                f'{exc}') from exc
        if frame_dir not in self._preferences:
            raise DataError(f'preference file {self.preference_file} has no '
                            f'label for sample {frame_dir!r}')
        return int(self._preferences[frame_dir])

    def transform(self, results: Dict) -> Dict:
        """Add the features (and preference label) of one sample."""
        path = results['feature_file']
        feats = load_features(path)
        for stream in self.streams:
            if stream not in feats:
                raise DataError(f'feature file {path} has no {stream!r} '
                                f'feature (it has {sorted(feats)})')
            results[f'feat_{stream}'] = feats[stream]
        if self.preference_file:
            results['gt_preference'] = self._preference(results['frame_dir'])
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(streams={self.streams}, '
                f'preference_file={self.preference_file!r})')
