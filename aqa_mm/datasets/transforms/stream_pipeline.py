"""StreamPipeline: run one stream's transforms in isolation."""
from typing import Dict, List, Sequence, Union

from mmcv.transforms import BaseTransform, Compose

from aqa_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class StreamPipeline(BaseTransform):
    """Run ``transforms`` on a copy of the results and keep only ``keys``.

    A two-stream sample goes through two pipelines that share key names:
    ``UniformSampleFrames`` and ``DecordClips`` both set ``frame_inds``,
    ``clip_len`` and ``num_clips``, and mmaction2's ``Resize`` also rescales
    ``keypoint``. Each stream therefore runs on its own shallow copy of the
    sample without the other stream's data (``hide_keys``), and only its
    output (``imgs`` or ``keypoint``) is copied back::

        dict(type='StreamPipeline', keys=('keypoint', ), hide_keys=('imgs', ),
             transforms=[dict(type='PreNormalize2D'), ...,
                         dict(type='FormatGCNInput', num_person=1)]),
        dict(type='StreamPipeline', keys=('imgs', ),
             hide_keys=('keypoint', 'keypoint_score'),
             transforms=[dict(type='DecordClips', ...), ...,
                         dict(type='FormatShape', input_format='NCTHW')]),

    Args:
        transforms (list[dict | callable]): The stream's transforms.
        keys (Sequence[str]): Result keys copied back.
        hide_keys (Sequence[str]): Keys removed from the stream's copy.
            Defaults to ().
    """

    def __init__(self, transforms: List[Union[dict, callable]],
                 keys: Sequence[str], hide_keys: Sequence[str] = ()) -> None:
        self.pipeline = Compose(transforms)
        self.keys = tuple(keys)
        self.hide_keys = tuple(hide_keys)
        if not self.keys:
            raise ValueError('StreamPipeline needs at least one key to keep')

    def transform(self, results: Dict) -> Dict:
        """Run the stream's transforms and copy ``keys`` back."""
        out = self.pipeline({k: v for k, v in results.items()
                             if k not in self.hide_keys})
        if out is None:
            raise RuntimeError(f'StreamPipeline({self.keys}): a transform '
                               f"dropped sample {results.get('frame_dir')!r}")
        missing = [k for k in self.keys if k not in out]
        if missing:
            raise KeyError(f'StreamPipeline: transforms produced no '
                           f'{missing} for sample '
                           f"{results.get('frame_dir')!r}")
        results.update({k: out[k] for k in self.keys})
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(keys={self.keys}, '
                f'transforms={self.pipeline})')
