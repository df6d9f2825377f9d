"""FeatureQueue: MoCo's ring buffer of keys, with sample ids."""
import pytest
import torch

from aqa_mm.models.utils import FeatureQueue


def test_starts_random_unit_and_wraps_around():
    torch.manual_seed(0)
    queue = FeatureQueue(size=5, channels=4)
    assert torch.allclose(queue.feats.norm(dim=1), torch.ones(5))
    assert (queue.ids == -1).all()
    first = torch.randn(3, 4)
    queue.push(first * 7, torch.tensor([10, 11, 12]))
    assert torch.allclose(queue.feats[:3],
                          torch.nn.functional.normalize(first, dim=1))
    assert queue.ids.tolist() == [10, 11, 12, -1, -1]
    queue.push(torch.randn(3, 4), torch.tensor([13, 14, 15]))
    # slots 3, 4 then 0: the oldest entry (id 10) was replaced
    assert queue.ids.tolist() == [15, 11, 12, 13, 14]
    assert int(queue.ptr) == 1


def test_more_than_size_keeps_the_newest():
    queue = FeatureQueue(size=2, channels=3)
    queue.push(torch.randn(5, 3), torch.arange(5))
    assert sorted(queue.ids.tolist()) == [3, 4]


def test_same_sample_mask_and_state_dict():
    queue = FeatureQueue(size=4, channels=2)
    queue.push(torch.randn(3, 2), torch.tensor([7, 8, -1]))
    mask = queue.same_sample(torch.tensor([8, 9, -1]))
    assert mask.tolist() == [[False, True, False, False],
                             [False] * 4, [False] * 4]
    assert queue.same_sample(None) is None
    other = FeatureQueue(size=4, channels=2)
    other.load_state_dict(queue.state_dict())      # resumes with the queue
    assert torch.equal(other.feats, queue.feats)
    assert other.ids.tolist() == queue.ids.tolist()
    assert int(other.ptr) == 3


def test_bad_shapes_are_named():
    queue = FeatureQueue(size=4, channels=2)
    with pytest.raises(ValueError, match=r'\(B, 2\)'):
        queue.push(torch.randn(3, 5))
    with pytest.raises(ValueError, match='ids'):
        queue.push(torch.randn(3, 2), torch.arange(2))
    with pytest.raises(ValueError, match='size'):
        FeatureQueue(size=0, channels=2)
