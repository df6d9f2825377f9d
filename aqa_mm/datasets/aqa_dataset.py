"""AQADataset: one annotation format for the skeleton stream, the RGB stream
and both together.

The annotation file is mmaction2's skeleton annotation pickle
(``dict(split=..., annotations=[...])``), extended for AQA. Each annotation::

    frame_dir (str)          unique sample id
    total_frames (int)       T
    img_shape (tuple)        (H, W)
    keypoint (np.ndarray)    (M, T, V, 2), pixel coordinates      [skeleton]
    keypoint_score (ndarray) (M, T, V)                             [skeleton]
    score (float)            the judges' score
    class_id (int)           0-based action class
    class_name (str)
    difficulty (float|None)  degree of difficulty, when known
    video (str|None)         video path, relative to data_prefix['video']
    feature_file (str|None)  precomputed features, rel. to
                             data_prefix['feature']

The video path is stored as ``video``, not mmaction2's ``filename``: with a
``filename`` key, mmaction2's ``PoseDataset`` matches split ids against file
names instead of ``frame_dir``, so the same file would not load there. The
dataset hands it to the pipeline as ``filename`` (what ``DecordInit`` reads).

Everything is validated when the dataset is built, so a bad sample is named
up front instead of failing halfway through an epoch.
"""
import math
import os.path as osp
import pickle
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmaction.datasets import BaseActionDataset

from aqa_mm.datasets.feature_cache import feature_filename
from aqa_mm.registry import DATASETS
from aqa_mm.utils.cli import DataError

_MAX_LISTED = 5


@DATASETS.register_module()
class AQADataset(BaseActionDataset):
    """Action-quality dataset over an extended mmaction2 annotation pickle.

    Args:
        ann_file (str): Path to the annotation ``.pkl``.
        pipeline (list[dict | callable]): Data transforms.
        split (str): Name of the split to load, e.g. ``'train'``.
        modality (str): ``'Pose'`` (needs ``keypoint``), ``'RGB'`` (needs a
            readable ``video``), ``'RGBPose'`` (both) or ``'Feature'``
            (needs a cached feature file: ``feature_file``, or
            ``<frame_dir>.npz`` in ``data_prefix['feature']``, see
            :mod:`aqa_mm.datasets.feature_cache`). Defaults to ``'Pose'``.
        class_ids (Sequence[int], optional): Keep only these classes (the
            per-class protocol trains one model per class). Defaults to None.
        num_keypoints (int, optional): Expected V of ``keypoint``; checked
            for every sample. Defaults to 17 (COCO).
        range_split (str): Split whose per-class min/max score define
            ``metainfo['score_ranges']`` (used by metrics and score
            normalisation). Always the training split, never the test set.
            Defaults to ``'train'``.
        data_prefix (dict): ``video`` / ``feature`` folders that relative
            paths are joined to. Defaults to ``dict(video='')``.
        **kwargs: Passed to :class:`mmengine.dataset.BaseDataset`
            (``test_mode``, ``indices``, ...).

    Labelled subsets and holdout folds of a split come from wrapping the
    dataset in :class:`~aqa_mm.datasets.wrappers.SubsetDataset`.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 split: str,
                 modality: str = 'Pose',
                 class_ids: Optional[Sequence[int]] = None,
                 num_keypoints: Optional[int] = 17,
                 range_split: str = 'train',
                 data_prefix: Optional[Dict[str, str]] = None,
                 **kwargs) -> None:
        if modality not in ('Pose', 'RGB', 'RGBPose', 'Feature'):
            raise ValueError("modality must be 'Pose', 'RGB', 'RGBPose' or "
                             f"'Feature', got {modality!r}")
        self.split = split
        self.class_ids = None if class_ids is None else set(class_ids)
        self.num_keypoints = num_keypoints
        self.range_split = range_split
        super().__init__(ann_file, pipeline=pipeline, modality=modality,
                         data_prefix=data_prefix or dict(video=''), **kwargs)

    # ------------------------------------------------------------ loading
    def _read_annotation_file(self) -> dict:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'annotation file not found: {self.ann_file} (check '
                'data_root / ann_file in the config, or generate the data)')
        try:
            with open(self.ann_file, 'rb') as f:
                content = pickle.load(f)
        except (pickle.UnpicklingError, EOFError, ValueError) as exc:
            raise DataError(f'{self.ann_file}: not a readable annotation '
                            f'pickle ({exc})') from exc
        if not isinstance(content, dict) or not content.get('annotations'):
            raise DataError(f'{self.ann_file}: no annotations (expected a '
                            "dict with a non-empty 'annotations' list)")
        if 'split' not in content:
            raise DataError(f"{self.ann_file}: no 'split' dict")
        return content

    def _select(self, annos: List[dict], split: str,
                content: dict) -> List[dict]:
        if split not in content['split']:
            raise DataError(f'{self.ann_file}: unknown split {split!r}; '
                            f"available: {sorted(content['split'])}")
        ids = set(content['split'][split])
        selected = [a for a in annos if a.get('frame_dir') in ids]
        if self.class_ids is not None:
            selected = [a for a in selected
                        if a.get('class_id') in self.class_ids]
        return selected

    def load_data_list(self) -> List[dict]:
        """Load, filter and validate the samples of ``self.split``.

        Returns:
            list[dict]: One dict per sample, paths joined to ``data_prefix``.
        """
        content = self._read_annotation_file()
        annos = content['annotations']
        data_list = self._select(annos, self.split, content)
        if not data_list:
            raise DataError(f'{self.ann_file}: split {self.split!r} has no '
                            f'samples (class_ids={self.class_ids})')
        data_list = [self._resolve_paths(dict(item)) for item in data_list]
        self._validate(data_list)
        ranges = self._score_ranges(self._select(annos, self.range_split,
                                                 content))
        meta = dict(content.get('metainfo', {}))
        meta['score_ranges'] = ranges
        meta.setdefault('classes', self._class_names(annos))
        self._metainfo.update(meta)
        return data_list

    def split_frame_dirs(self) -> List[str]:
        """Every sample id of ``self.split`` in the annotation file, before
        ``class_ids`` (what a labelled subset of the split is drawn from).

        Returns:
            list[str]: frame_dirs.
        """
        return list(self._read_annotation_file()['split'][self.split])

    def _resolve_paths(self, item: dict) -> dict:
        if item.get('video'):
            item['filename'] = osp.join(self.data_prefix.get('video', ''),
                                        item['video'])
        if item.get('feature_file') or self.modality == 'Feature':
            item['feature_file'] = osp.join(
                self.data_prefix.get('feature', ''),
                item.get('feature_file')
                or feature_filename(item.get('frame_dir', '')))
        return item

    # --------------------------------------------------------- validation
    def _validate(self, data_list: List[dict]) -> None:
        problems = []
        for item in data_list:
            name = item.get('frame_dir', '<no frame_dir>')
            problem = self._check_sample(item)
            if problem:
                problems.append(f'{name}: {problem}')
        if problems:
            shown = '; '.join(problems[:_MAX_LISTED])
            more = (f' (and {len(problems) - _MAX_LISTED} more)'
                    if len(problems) > _MAX_LISTED else '')
            raise DataError(f'{self.ann_file} [{self.split}]: '
                            f'{len(problems)} bad sample(s): {shown}{more}')

    def _check_sample(self, item: dict) -> Optional[str]:
        score = item.get('score')
        if score is None:
            return "missing 'score'"
        if not isinstance(score, (int, float, np.floating, np.integer)) \
                or not math.isfinite(float(score)):
            return f'score is not a finite number ({score!r})'
        if 'class_id' not in item:
            return "missing 'class_id'"
        if 'Pose' in self.modality:
            kp = item.get('keypoint')
            if kp is None:
                return "missing 'keypoint'"
            kp = np.asarray(kp)
            if kp.ndim != 4:
                return (f'keypoint has shape {kp.shape}, expected '
                        '(M, T, V, C)')
            if self.num_keypoints and kp.shape[2] != self.num_keypoints:
                return (f'keypoint has {kp.shape[2]} joints, expected '
                        f'{self.num_keypoints} (shape {kp.shape})')
            if kp.shape[1] == 0:
                return 'keypoint has zero frames'
            bad = ~np.isfinite(kp)
            if bad.any():  # would make every loss NaN from the first batch
                m, t, v = (int(i) for i in np.argwhere(bad)[0][:3])
                return (f'keypoint has {int(bad.sum())} NaN/inf values '
                        f'(first: person {m}, frame {t}, joint {v}); mark '
                        'missing joints as 0 with keypoint_score 0')
            if not kp.any():
                return ('keypoint is all zeros (no person in any frame); '
                        're-extract the video or drop the sample')
        if 'RGB' in self.modality:
            path = item.get('filename')
            if not path:
                return "missing 'video'"
            if not osp.isfile(path):
                return f'video not found: {path}'
        if self.modality == 'Feature' and \
                not osp.isfile(item['feature_file']):
            return (f"feature file not found: {item['feature_file']} (run "
                    'tools/cache_features.py for this split)')
        return None

    # ------------------------------------------------------------- meta
    @staticmethod
    def _score_ranges(annos: List[dict]) -> Dict[int, Tuple[float, float]]:
        ranges: Dict[int, List[float]] = {}
        for a in annos:
            if a.get('score') is None or 'class_id' not in a:
                continue
            lo_hi = ranges.setdefault(int(a['class_id']),
                                      [math.inf, -math.inf])
            lo_hi[0] = min(lo_hi[0], float(a['score']))
            lo_hi[1] = max(lo_hi[1], float(a['score']))
        return {c: (lo, hi) for c, (lo, hi) in sorted(ranges.items())}

    @staticmethod
    def _class_names(annos: List[dict]) -> List[str]:
        names = {int(a['class_id']): a.get('class_name', str(a['class_id']))
                 for a in annos if 'class_id' in a}
        return [names[c] for c in sorted(names)]

    def get_data_info(self, idx: int) -> dict:
        """Sample ``idx`` with a float ``score`` ready for the pipeline."""
        info = super().get_data_info(idx)
        info['score'] = float(info['score'])
        return info
