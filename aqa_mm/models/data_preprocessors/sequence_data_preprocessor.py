"""SequenceDataPreprocessor: pad variable-length feature sequences."""
from typing import Sequence

import torch
from mmengine.model import BaseDataPreprocessor

from aqa_mm.registry import MODELS


@MODELS.register_module()
class SequenceDataPreprocessor(BaseDataPreprocessor):
    """Pad each sample's (T_i, C) sequence to the batch's longest, with mask.

    Inputs come as ``PackAQAInputs(collect_keys=keys)`` packs them, a dict of
    per-sample tensors. Every key in ``keys`` becomes (N, L, C) with
    L = max T_i, zero-padded at the end, plus ``<key>_mask`` (N, L), True
    on real clips. A (C,) feature (a clip-averaged vector, as
    ``tools/import_features.py`` writes) is a sequence of one clip.

    Args:
        keys (Sequence[str]): Sequence inputs. Defaults to
            ``('feat_rgb',)``.
    """

    def __init__(self, keys: Sequence[str] = ('feat_rgb', )) -> None:
        super().__init__()
        self.keys = tuple(keys)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Cast to the device and pad.

        Args:
            data (dict): ``dict(inputs=dict(key=[(T_i, C) tensor per
                sample]), data_samples=[...])`` from ``pseudo_collate``.
            training (bool): Unused (same in train and test).

        Returns:
            dict: ``inputs`` with ``key`` (N, L, C) float and ``key_mask``
            (N, L) bool for every key.
        """
        data = self.cast_data(data)
        inputs = data['inputs']
        if not isinstance(inputs, dict):
            raise TypeError('SequenceDataPreprocessor expects a dict of '
                            'inputs (PackAQAInputs(collect_keys=...)), got '
                            f'{type(inputs).__name__}')
        batched = {}
        for key in self.keys:
            if key not in inputs:
                raise KeyError(f'SequenceDataPreprocessor: no input {key!r} '
                               f'(got {sorted(inputs)})')
            batched[key], batched[f'{key}_mask'] = self.pad(key, inputs[key])
        return dict(inputs=batched, data_samples=data.get('data_samples'))

    @staticmethod
    def pad(key: str, values: Sequence[torch.Tensor]):
        """Zero-pad (T_i, C) tensors at the end into (N, L, C) and a mask.

        Args:
            key (str): Input name, for error messages.
            values (Sequence[Tensor]): (T_i, C) or (C,) per sample, or an
                already batched (N, T, C) tensor (all clips real).

        Returns:
            tuple[Tensor, Tensor]: (N, L, C) float, (N, L) bool.
        """
        if isinstance(values, torch.Tensor) and values.dim() == 3:
            return values.float(), torch.ones(values.shape[:2], dtype=torch.bool,
                                              device=values.device)
        seqs = [v[None] if v.dim() == 1 else v for v in values]
        bad = [tuple(s.shape) for s in seqs if s.dim() != 2 or s.shape[0] < 1]
        channels = {s.shape[-1] for s in seqs}
        if bad or len(channels) != 1:
            raise ValueError(f'inputs[{key!r}] must be (T, C) per sample with '
                             f'one C, got shapes '
                             f'{sorted({tuple(s.shape) for s in seqs})}')
        length = max(s.shape[0] for s in seqs)
        out = seqs[0].new_zeros((len(seqs), length, seqs[0].shape[1]))
        mask = torch.zeros((len(seqs), length), dtype=torch.bool,
                           device=out.device)
        for i, s in enumerate(seqs):
            out[i, :s.shape[0]] = s
            mask[i, :s.shape[0]] = True
        return out.float(), mask
