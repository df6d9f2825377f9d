"""One loader for the backbone weights of any aqa_mm checkpoint: every
prefix (current and old) loads, unknown layouts name the file and the
prefixes it has."""
import pytest
import torch
from torch import nn

from aqa_mm.models.utils import (backbone_of, backbone_state_dict,
                                 load_backbone_weights, read_state_dict)
from aqa_mm.utils import UserError
from aqa_mm.utils.checkpoint import (history_buffers_without_functions,
                                     rename_old_prefixes)


def _backbone():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))


def _save(path, state, **extra):
    with history_buffers_without_functions():
        torch.save(dict(state_dict=state, meta=dict(epoch=7), **extra), path)
    return str(path)


def _prefixed(module, prefix):
    return {prefix + k: v for k, v in module.state_dict().items()}


@pytest.mark.parametrize('prefix,stream', [
    ('backbone.', None),            # assessors, renamed pretrainers
    ('encoder.', None),             # SMEPretrainer before the rename
    ('module.backbone.', None),     # saved from a DDP-wrapped model
    ('skeleton_backbone.', 'skeleton'),
    ('rgb_backbone.', 'rgb'),
    ('backbone.', 'skeleton'),      # a single-stream checkpoint as a stream
    ('encoder.', 'skeleton'),
])
def test_every_prefix_loads(tmp_path, prefix, stream):
    src = _backbone()
    src[1].running_mean += 1
    head = {'head.fc.weight': torch.zeros(1, 4)}
    ckpt = _save(tmp_path / 'c.pth', {**_prefixed(src, prefix), **head})
    dst = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    meta = load_backbone_weights(dst, ckpt, stream=stream)
    assert meta['epoch'] == 7
    for k, v in src.state_dict().items():
        torch.testing.assert_close(dst.state_dict()[k], v)


def test_two_stream_checkpoint_needs_the_stream(tmp_path):
    skel, rgb = _backbone(), nn.Sequential(nn.Linear(3, 4))
    ckpt = _save(tmp_path / 'two.pth', {**_prefixed(skel, 'skeleton_backbone.'),
                                        **_prefixed(rgb, 'rgb_backbone.')})
    assert backbone_state_dict(ckpt, 'rgb').keys() == rgb.state_dict().keys()
    with pytest.raises(UserError, match=r"two\.pth: no key starts with "
                       r"prefix 'backbone\.' or 'encoder\.'; its keys start "
                       r"with \['rgb_backbone\.', 'skeleton_backbone\.'\]"):
        backbone_state_dict(ckpt)
    with pytest.raises(ValueError, match='stream must be one of'):
        backbone_state_dict(ckpt, 'depth')


def test_unknown_layout_names_the_file_and_its_prefixes(tmp_path):
    ckpt = _save(tmp_path / 'odd.pth', {'trunk.0.weight': torch.zeros(1),
                                        'fc.bias': torch.zeros(1)})
    with pytest.raises(UserError, match=r"odd\.pth: no key starts with .*"
                       r"\['fc\.', 'trunk\.'\]"):
        load_backbone_weights(_backbone(), ckpt)


def test_mismatch_missing_and_unreadable_files(tmp_path):
    ckpt = _save(tmp_path / 'wide.pth',
                 _prefixed(nn.Sequential(nn.Linear(3, 5)), 'backbone.'))
    with pytest.raises(UserError, match=r'wide\.pth: its backbone weights do '
                       r"not fit Sequential.*'1\.weight'.*0\.weight \(5, 3\) "
                       r'vs \(4, 3\)'):
        load_backbone_weights(_backbone(), ckpt)
    extra = _save(tmp_path / 'extra.pth',
                  {**_prefixed(_backbone(), 'backbone.'),
                   'backbone.fc.weight': torch.zeros(2)})
    with pytest.raises(UserError, match=r"unexpected \['fc\.weight'\]"):
        load_backbone_weights(_backbone(), extra)
    load_backbone_weights(_backbone(), extra, ignore_unexpected=True)
    with pytest.raises(UserError, match='checkpoint not found: .*none.pth'):
        load_backbone_weights(_backbone(), str(tmp_path / 'none.pth'))
    (tmp_path / 'cut.pth').write_bytes(b'PK\x03\x04 truncated')
    with pytest.raises(UserError, match=r'cut\.pth: cannot be read'):
        read_state_dict(str(tmp_path / 'cut.pth'))


def test_old_prefix_renamed_only_for_a_renamed_model():
    class Renamed(nn.Module):
        def __init__(self):
            super().__init__()
            self.backbone = nn.Linear(1, 1)

    class Old(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Linear(1, 1)
    state = {'encoder.weight': 1, 'head.x': 2}
    assert rename_old_prefixes(state, Renamed()) == {'backbone.weight': 1,
                                                     'head.x': 2}
    assert rename_old_prefixes(state, Old()) == state
    assert backbone_of(Renamed())[0] == 'backbone'
    assert backbone_of(Old())[0] == 'encoder'
    with pytest.raises(UserError, match='Linear has no single backbone'):
        backbone_of(nn.Linear(1, 1))
