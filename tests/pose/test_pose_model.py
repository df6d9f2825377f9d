import pytest
import torch

from aqa_mm.pose import init_pose_model
from aqa_mm.pose.pose_model import check_checkpoint, resolve_pose_config
from aqa_mm.utils import UserError


def test_refuses_to_run_without_weights():
    with pytest.raises(UserError, match='no --pose-checkpoint'):
        check_checkpoint(None, random_weights=False)
    with pytest.raises(UserError, match='not both'):
        check_checkpoint('w.pth', random_weights=True)
    with pytest.raises(UserError, match='not found: missing.pth'):
        check_checkpoint('missing.pth', random_weights=False)
    check_checkpoint('https://example.org/hrnet.pth', random_weights=False)
    check_checkpoint(None, random_weights=True)


def test_bundled_config_by_name_or_default():
    path = resolve_pose_config(None)
    assert path.endswith('td-hm_hrnet-w32_8xb64-210e_coco-256x192.py')
    assert resolve_pose_config(
        'td-hm_hrnet-w32_8xb64-210e_coco-256x192.py') == path
    with pytest.raises(UserError, match='pose config not found: nope'):
        resolve_pose_config('nope')


def test_random_weights_are_seeded_and_leave_the_global_rng(hrnet):
    state = torch.random.get_rng_state()
    other = init_pose_model(random_weights=True)
    assert torch.equal(torch.random.get_rng_state(), state)
    for a, b in zip(hrnet.state_dict().values(), other.state_dict().values()):
        assert torch.equal(a, b)
    assert not other.training
    assert other.dataset_meta['num_keypoints'] == 17
