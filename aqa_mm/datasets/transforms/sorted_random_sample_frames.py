"""SortedRandomSampleFrames: the frame sampler of CTR-GCN's NW-UCLA feeder.

Training draws ``clip_len`` frames at random (a short clip repeats frames,
so it is slowed down rather than looped as mmaction2's UniformSampleFrames
does) and keeps them in time order; testing takes ``clip_len`` evenly spaced
frames from the first to the last.
"""
from typing import Dict

import numpy as np
from mmcv.transforms import BaseTransform

from aqa_mm.registry import TRANSFORMS


@TRANSFORMS.register_module()
class SortedRandomSampleFrames(BaseTransform):
    """Sample ``clip_len`` frame indices, sorted, for ``PoseDecode``.

    Train: ``clip_len`` draws without replacement from ``copies`` copies of
    ``0 .. T-1`` (as the reference feeder: ``random.sample(range(T) * 100,
    clip_len)``), then sorted. Test: ``linspace(0, T - 1, clip_len)``
    truncated to int.

    Required keys: ``total_frames``. Added keys: ``frame_inds`` (int64 of
    shape (clip_len,)), ``clip_len``, ``num_clips`` (1),
    ``frame_interval`` (None).

    Args:
        clip_len (int): Frames per clip.
        test_mode (bool): Evenly spaced frames. Defaults to False.
        copies (int): Copies of each frame index in the training pool.
            Defaults to 100.
    """

    def __init__(self, clip_len: int, test_mode: bool = False,
                 copies: int = 100) -> None:
        if not isinstance(clip_len, int) or clip_len < 1:
            raise ValueError('SortedRandomSampleFrames: clip_len must be an '
                             f'int >= 1, got {clip_len!r}')
        if copies < 1:
            raise ValueError(f'SortedRandomSampleFrames: copies must be >= 1, '
                             f'got {copies}')
        self.clip_len = clip_len
        self.test_mode = test_mode
        self.copies = copies

    def transform(self, results: Dict) -> Dict:
        """Add ``frame_inds`` for a clip of ``results['total_frames']``.

        Args:
            results (dict): Needs ``total_frames`` (int >= 1).

        Returns:
            dict: ``results`` with ``frame_inds`` and the clip fields.
        """
        total = int(results['total_frames'])
        if total < 1:
            raise ValueError('SortedRandomSampleFrames: total_frames must be '
                             f'>= 1, got {total} for '
                             f'{results.get("frame_dir", "this sample")}')
        if self.test_mode:
            inds = np.linspace(0, total - 1, self.clip_len).astype(np.int64)
        else:
            pool = total * self.copies
            if pool >= self.clip_len:
                picks = np.random.choice(pool, self.clip_len, replace=False)
            else:  # fewer slots than frames wanted: draw with replacement
                picks = np.random.randint(0, pool, self.clip_len)
            inds = np.sort(picks % total).astype(np.int64)
        results['frame_inds'] = inds
        results['clip_len'] = self.clip_len
        results['num_clips'] = 1
        results['frame_interval'] = None
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'test_mode={self.test_mode}, copies={self.copies})')
