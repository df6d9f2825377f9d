"""The label-regime study's configs: its view_aug + projector and MoCo
pretraining children of configs/sme_gcn/pretrain_synthetic.py (2-D
augmentation of the (x, y, score) views; momentum negatives) and the
finetuning configs' labelled-subset options."""
import pickle
from pathlib import Path

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from aqa_mm.datasets.label_subset import split_samples, write_subsets
from aqa_mm.registry import DATASETS, MODELS
from tests.conftest import make_annotations

ROOT = Path(__file__).resolve().parents[3]
SME = ROOT / 'configs' / 'sme_gcn'
OWN = ROOT / 'projects' / 'aqa_label_regimes' / 'configs'
CHILD = OWN / 'pretrain_synthetic_view_aug_projector.py'


@pytest.fixture
def ann(tmp_path):
    path = tmp_path / 'ann.pkl'
    path.write_bytes(pickle.dumps(make_annotations(num_train=8, frames=64)))
    return path


def _check_finetune_loads_encoder(state, tmp_path):
    """finetune_synthetic.py loads a pretrainer state dict (saved as a
    checkpoint) strictly: its backbone equals the 'backbone.' weights."""
    path = tmp_path / 'pretrain.pth'
    torch.save(dict(state_dict=state), path)
    cfg = Config.fromfile(SME / 'finetune_synthetic.py')
    cfg.model.backbone.init_cfg.checkpoint = str(path)
    model = MODELS.build(cfg.model)
    model.init_weights()        # StrictPretrained: fails on a key mismatch
    for key, value in model.backbone.state_dict().items():
        torch.testing.assert_close(value, state['backbone.' + key])


def test_child_adds_only_the_two_options():
    from aqa_mm.models.utils import MLPProjector, RandomSkeletonAffine
    parent = Config.fromfile(SME / 'pretrain_synthetic.py').model
    cfg = Config.fromfile(CHILD)
    assert {k: v for k, v in cfg.model.items() if k in parent} == parent
    assert set(cfg.model) - set(parent) == {'view_aug', 'projector'}
    model = MODELS.build(cfg.model)
    assert isinstance(model.view_aug, RandomSkeletonAffine)
    assert model.view_aug.coord_channels == 2
    assert isinstance(model.projector, MLPProjector)
    assert model.projector.in_channels == cfg.model.backbone.out_channels


def test_view_aug_moves_only_the_centred_coordinates(ann):
    """On the pipeline's views (x, y centred on joint 8, score): x and y
    change, the score channel, the centre joint and masked frames do not."""
    cfg = Config.fromfile(CHILD)
    ds_cfg = cfg.train_dataloader.dataset.copy()
    ds_cfg.update(ann_file=str(ann))
    dataset = DATASETS.build(ds_cfg)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    data = model.data_preprocessor(pseudo_collate([dataset[i]
                                                   for i in range(2)]))
    view = data['inputs']['keypoint_var']               # [N, M, T, V, C]
    assert view.shape[-1] == 3
    model.train()
    out = model.view_aug(view)
    torch.testing.assert_close(out[..., 2], view[..., 2])
    assert not torch.allclose(out[..., :2], view[..., :2])
    masked = (view == 0).all(-1).all(-1)                 # [N, M, T]
    assert masked.any() and (out[masked] == 0).all()
    assert out[..., 8, :2].abs().max() < 1e-6      # rotation about joint 8
    model.eval()
    assert model.view_aug(view) is view


def test_finetune_loads_the_encoder_of_the_child(tmp_path):
    pretrainer = MODELS.build(Config.fromfile(CHILD).model)
    state = pretrainer.state_dict()
    assert any(k.startswith('projector.') for k in state)
    _check_finetune_loads_encoder(state, tmp_path)


@pytest.mark.parametrize('name', ['finetune_synthetic.py',
                                  'scratch_synthetic.py'])
def test_finetune_configs_take_a_labelled_subset(name, ann, tmp_path):
    cfg = Config.fromfile(SME / name)
    ds_cfg = cfg.train_dataloader.dataset.copy()
    ds_cfg.update(ann_file=str(ann))
    assert len(DATASETS.build(ds_cfg)) == 8
    samples = split_samples(pickle.loads(ann.read_bytes()), 'train',
                            'class_id')
    subsets = write_subsets(samples, [0.5], [2], str(tmp_path / 's.json'))
    dataset = DATASETS.build(dict(
        type='SubsetDataset', dataset=ds_cfg,
        label_subset_file=str(tmp_path / 's.json'), label_subset='50%/seed2'))
    assert sorted(dataset.get_data_info(i)['frame_dir']
                  for i in range(len(dataset))) == subsets['50%/seed2']


def test_moco_child_keeps_the_views_and_finetunes_from_the_encoder(
        ann, tmp_path):
    """The MoCo child is the faithful pretraining with the momentum
    pretrainer: same encoder and views, sample ids packed (the own-key
    exclusion), a queue under one pass of the 225-sample split, and a
    checkpoint whose trained encoder (never the key copy) finetunes."""
    parent = Config.fromfile(SME / 'pretrain_synthetic.py')
    cfg = Config.fromfile(OWN / 'pretrain_synthetic_moco.py')
    assert cfg.model.backbone == parent.model.backbone
    assert cfg.model.view_keys == parent.model.view_keys
    assert cfg.model.queue_size < 225
    assert cfg.train_pipeline[:-1] == parent.train_pipeline[:-1]
    ds_cfg = cfg.train_dataloader.dataset.copy()
    ds_cfg.update(ann_file=str(ann))
    dataset = DATASETS.build(ds_cfg)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    batch = pseudo_collate([dataset[i] for i in range(4)])
    assert [s.sample_idx for s in batch['data_samples']] == [0, 1, 2, 3]
    model.train()
    losses = model(**model.data_preprocessor(batch, True), mode='loss')
    assert all(torch.isfinite(v) for v in losses.values())
    with torch.no_grad():   # make the key copy differ from the encoder
        for param in model.key_encoder.parameters():
            param.add_(1.0)
    _check_finetune_loads_encoder(model.state_dict(), tmp_path)
