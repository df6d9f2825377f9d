"""RandomSkeletonAffine: per-sample random rotation, scale and shear."""
import pytest
import torch

from aqa_mm.models.utils import RandomSkeletonAffine
from aqa_mm.registry import MODELS


def _clips(n=4, c=3, seed=0):
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, 2, 6, 5, c, generator=gen)   # (N, M, T, V, C)


def _pairwise(x):
    """Distances between all joints of each (n, m, t): (N, M, T, V, V)."""
    return torch.cdist(x.flatten(0, 2), x.flatten(0, 2)).view(
        *x.shape[:3], x.shape[3], x.shape[3])


def _matrix_of(aug, x):
    """Least-squares per-sample matrix A with out = A x (N, c, c)."""
    c = aug.coord_channels
    out = aug(x)
    src = x[..., :c].flatten(1, 3)          # (N, P, c)
    dst = out[..., :c].flatten(1, 3)
    return torch.linalg.lstsq(src, dst).solution.transpose(1, 2)


@pytest.mark.parametrize('c', [2, 3])
def test_rotation_only_preserves_joint_distances(c):
    aug = RandomSkeletonAffine(max_angle=90, scale_range=(1, 1), shear=0,
                               coord_channels=c).train()
    x = _clips(c=c)
    out = aug(x)
    assert not torch.allclose(out, x)
    torch.testing.assert_close(_pairwise(out), _pairwise(x), atol=1e-5,
                               rtol=1e-5)


def test_shear_changes_joint_distances():
    """The distance test above can fail: a shear does not keep them."""
    aug = RandomSkeletonAffine(max_angle=0, scale_range=(1, 1), shear=0.5)
    x = _clips()
    assert not torch.allclose(_pairwise(aug(x)), _pairwise(x), atol=1e-3)


def test_zero_frames_stay_zero_and_score_is_untouched():
    aug = RandomSkeletonAffine(coord_channels=2)
    x = _clips(c=3)
    x[:, :, 2] = 0                           # a masked frame
    out = aug(x)
    assert torch.equal(out[:, :, 2], torch.zeros_like(out[:, :, 2]))
    assert torch.equal(out[..., 2], x[..., 2])   # the score channel
    assert not torch.allclose(out[..., :2], x[..., :2])


def test_one_matrix_per_sample_different_across_samples():
    aug = RandomSkeletonAffine()
    x = _clips(n=3)
    mats = _matrix_of(aug, x)                # fits all persons/frames/joints
    torch.manual_seed(1)
    out = aug(x)
    torch.manual_seed(1)
    refit = aug.sample_matrices(3, x)
    torch.testing.assert_close(
        out, torch.einsum('nij,nmtvj->nmtvi', refit, x), atol=1e-5,
        rtol=1e-5)
    assert mats.shape == (3, 3, 3)
    for i in range(3):
        for j in range(i):
            assert not torch.allclose(mats[i], mats[j], atol=1e-3)


def test_two_calls_draw_different_matrices():
    """The pretrainer calls it once per view: independent draws."""
    aug = RandomSkeletonAffine()
    x = _clips()
    assert not torch.allclose(aug(x), aug(x), atol=1e-4)


def test_eval_mode_is_identity():
    aug = RandomSkeletonAffine().eval()
    x = _clips()
    assert aug(x) is x


def test_reproducible_under_manual_seed():
    aug = RandomSkeletonAffine()
    x = _clips()
    torch.manual_seed(7)
    first = aug(x)
    torch.manual_seed(7)
    assert torch.equal(aug(x), first)
    torch.manual_seed(8)
    assert not torch.allclose(aug(x), first)


def test_draws_stay_within_the_ranges():
    aug = RandomSkeletonAffine(max_angle=0, scale_range=(2, 3), shear=0)
    mats = aug.sample_matrices(64, torch.zeros(1))
    scale = mats.diagonal(dim1=1, dim2=2)
    assert torch.allclose(mats, torch.diag_embed(scale))   # no rotation
    assert scale.min() >= 2 and scale.max() <= 3
    shear = RandomSkeletonAffine(max_angle=0, scale_range=(1, 1),
                                 shear=0.25).sample_matrices(64,
                                                             torch.zeros(1))
    eye = torch.eye(3)
    assert torch.allclose(shear * eye, eye.expand(64, 3, 3))
    assert shear.abs().max() == 1 and (shear - eye).abs().max() <= 0.25


def test_is_registered_and_checks_arguments():
    aug = MODELS.build(dict(type='RandomSkeletonAffine', coord_channels=2))
    assert 'coord_channels=2' in repr(aug)
    assert len(aug.state_dict()) == 0
    with pytest.raises(ValueError, match='coord_channels'):
        RandomSkeletonAffine(coord_channels=4)
    with pytest.raises(ValueError, match='scale_range'):
        RandomSkeletonAffine(scale_range=(0, 1))
    with pytest.raises(ValueError, match=r'\(N, M, T, V, C\)'):
        RandomSkeletonAffine()(torch.zeros(2, 5, 3))
