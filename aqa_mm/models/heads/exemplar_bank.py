"""ExemplarBank: training features and scores kept for CoRe's exemplars.

:class:`CoReHead` fills the bank from its training batches (only in
training mode, so test samples never enter it) and draws exemplars from it
at test time. Everything lives in buffers, so a checkpoint carries the bank
and a model loaded for testing has its exemplars.
"""
import hashlib
from typing import Optional

import torch
import torch.nn as nn


def sample_key(frame_dir: Optional[str]) -> int:
    """A stable 63-bit key of a sample id (−1 for none).

    Args:
        frame_dir (str, optional): The sample's ``frame_dir``.

    Returns:
        int: Non-negative key, or −1 when ``frame_dir`` is None.
    """
    if frame_dir is None:
        return -1
    digest = hashlib.blake2b(str(frame_dir).encode(), digest_size=8).digest()
    return int.from_bytes(digest, 'little') & (2 ** 63 - 1)


class ExemplarBank(nn.Module):
    """A fixed-capacity store of (feature, score, class, key) rows.

    A row with a key already stored replaces that row (so each training
    sample is kept once, with its latest feature); other rows fill empty
    slots, then overwrite the oldest.

    Args:
        capacity (int): S, rows kept; at least the training set's size to
            keep every sample.
        channels (int): C of a feature.
    """

    def __init__(self, capacity: int, channels: int) -> None:
        super().__init__()
        if capacity < 1:
            raise ValueError(f'ExemplarBank: capacity must be >= 1, got '
                             f'{capacity}')
        self.register_buffer('feats', torch.zeros(capacity, channels))
        self.register_buffer('scores', torch.zeros(capacity))
        self.register_buffer('classes', torch.zeros(capacity,
                                                    dtype=torch.long))
        self.register_buffer('keys', torch.full((capacity, ), -1,
                                                dtype=torch.long))
        self.register_buffer('filled', torch.zeros(capacity,
                                                   dtype=torch.bool))
        self.register_buffer('next_slot', torch.zeros((), dtype=torch.long))

    def __len__(self) -> int:
        """Rows stored."""
        return int(self.filled.sum())

    @torch.no_grad()
    def update(self, feats: torch.Tensor, scores: torch.Tensor,
               classes: torch.Tensor, keys: torch.Tensor) -> None:
        """Store rows (detached).

        Args:
            feats (Tensor): (N, C).
            scores (Tensor): (N,).
            classes (Tensor): (N,) long.
            keys (Tensor): (N,) long, −1 for a sample without id.
        """
        capacity = len(self.keys)
        for i in range(len(feats)):
            key = int(keys[i])
            same = (self.keys == key).nonzero() if key >= 0 else []
            if len(same):
                slot = int(same[0])
            else:
                slot = int(self.next_slot)
                self.next_slot.fill_((slot + 1) % capacity)
            self.feats[slot] = feats[i].detach()
            self.scores[slot] = scores[i]
            self.classes[slot] = classes[i]
            self.keys[slot] = key
            self.filled[slot] = True

    def candidates(self, class_id: Optional[int] = None,
                   exclude_key: int = -1) -> torch.Tensor:
        """Slots that may serve as exemplars.

        Args:
            class_id (int, optional): Keep this class only. Defaults to None
                (any class).
            exclude_key (int): Leave out the row of this key (the sample
                itself). Defaults to −1 (none).

        Returns:
            Tensor: (S',) long slot indices.
        """
        ok = self.filled.clone()
        if class_id is not None:
            ok &= self.classes == int(class_id)
        if exclude_key >= 0:
            ok &= self.keys != exclude_key
        return ok.nonzero().flatten()

    def draw(self, num: int, class_id: Optional[int] = None,
             exclude_key: int = -1,
             generator: Optional[torch.Generator] = None) -> torch.Tensor:
        """Up to ``num`` distinct random slots of :meth:`candidates`.

        Args:
            num (int): Exemplars wanted.
            class_id (int, optional): See :meth:`candidates`.
            exclude_key (int): See :meth:`candidates`.
            generator (torch.Generator, optional): CPU generator of the
                draw. Defaults to None (the global one).

        Returns:
            Tensor: (min(num, S'),) long slot indices.
        """
        slots = self.candidates(class_id, exclude_key)
        order = torch.randperm(len(slots), generator=generator)
        return slots[order[:num].to(slots.device)]
