"""InfoNCE between two masked views (2M-AF Eq. 4) and its common variants."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from aqa_mm.registry import MODELS

_MODES = ('eq4', 'symmetric', 'cross_view')


@MODELS.register_module()
class InfoNCELoss(nn.Module):
    """Contrastive loss between features of two views of the same samples.

    With f = [f̂_1..f̂_N, f̃_1..f̃_N] (2N × C), L2-normalised, and
    sim(a, b) = a·b / τ:

    - ``'eq4'`` (default, the paper's Eq. 4 with its typo fixed as SPEC.md
      decides): anchors are the first view only;
      L = −(1/N) Σ_i log( exp(sim(f_i, f_{N+i}))
                          / Σ_{k≠i} exp(sim(f_i, f_k)) ),
      the denominator running over all 2N − 1 other features.
    - ``'symmetric'``: SimCLR's NT-Xent, every one of the 2N features is an
      anchor once; its positive is the other view of the same sample.
    - ``'cross_view'``: the authors' released code (the ``info-nce``
      package): logits = f̂ f̃ᵀ / τ, cross-entropy against the diagonal, so
      negatives come from the other view only.

    Args:
        temperature (float): τ. Defaults to 0.1 (the authors' code).
        mode (str): ``'eq4'``, ``'symmetric'`` or ``'cross_view'``.
            Defaults to ``'eq4'``.
        loss_weight (float): Multiplier. Defaults to 1.0.
    """

    def __init__(self, temperature: float = 0.1, mode: str = 'eq4',
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError(f'temperature must be > 0, got {temperature}')
        if mode not in _MODES:
            raise ValueError(f'mode must be one of {_MODES}, got {mode!r}')
        self.temperature = temperature
        self.mode = mode
        self.loss_weight = loss_weight

    def forward(self, view_a: torch.Tensor,
                view_b: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            view_a (Tensor): Features of the first view f̂, (N, C).
            view_b (Tensor): Features of the second view f̃, (N, C); row i
                is the same sample as row i of ``view_a``.

        Returns:
            Tensor: Scalar loss.
        """
        if view_a.dim() != 2 or view_a.shape != view_b.shape:
            raise ValueError('InfoNCELoss expects two (N, C) features of the '
                             f'same shape, got {tuple(view_a.shape)} and '
                             f'{tuple(view_b.shape)}')
        n = view_a.shape[0]
        if n < 2:
            raise ValueError(f'InfoNCELoss needs at least 2 samples per batch '
                             f'to have negatives, got N={n}')
        a = F.normalize(view_a, dim=1)
        b = F.normalize(view_b, dim=1)
        if self.mode == 'cross_view':
            logits = a @ b.t() / self.temperature             # [N, N]
            target = torch.arange(n, device=a.device)
            return self.loss_weight * F.cross_entropy(logits, target)
        feats = torch.cat([a, b], dim=0)                      # [2N, C]
        sim = feats @ feats.t() / self.temperature            # [2N, 2N]
        self_mask = torch.eye(2 * n, dtype=torch.bool, device=a.device)
        sim = sim.masked_fill(self_mask, float('-inf'))       # k ≠ i
        positive = torch.arange(2 * n, device=a.device).roll(n)  # i ↔ N+i
        if self.mode == 'eq4':
            sim, positive = sim[:n], positive[:n]             # anchors f̂
        return self.loss_weight * F.cross_entropy(sim, positive)
