"""t-SNE feature extraction on tiny models built from real configs."""
from pathlib import Path

import numpy as np
import pytest
import torch

from aqa_mm.analysis import tsne
from aqa_mm.registry import MODELS
from aqa_mm.utils import load_config
from aqa_mm.utils.cli import UserError

ROOT = Path(__file__).resolve().parents[2]
STGCN = str(ROOT / 'configs/stgcn/stgcn_regressor_1xb16-30e_synthetic.py')
SME_FT = str(ROOT / 'configs/sme_gcn/finetune_synthetic.py')
SME_PRE = str(ROOT / 'configs/sme_gcn/pretrain_synthetic.py')


def _opts(ann):
    return {'test_dataloader.dataset.ann_file': ann}


def _save(model, path):
    torch.save(dict(state_dict=model.state_dict()), path)
    return str(path)


def test_stgcn_features_embedding_and_plot(tmp_path, tiny_ann):
    model = MODELS.build(load_config(STGCN).model)
    ckpt = _save(model, tmp_path / 'stgcn.pth')
    model, loader = tsne.build_model_and_loader(STGCN, ckpt, 'test',
                                                _opts(tiny_ann), 4)
    result = tsne.extract_features(model, loader, progress=False)
    feats = result['features']
    assert feats.shape[0] == 6 and feats.ndim == 2
    assert sorted(set(result['labels'])) == ['dive', 'vault']
    # the feature is what the head regresses from: same score
    data = next(iter(loader))
    with torch.no_grad():
        scores = model.head.to_score(model.head.fc(
            torch.from_numpy(feats[:4]))).view(-1)
        pred = model.test_step(data)
    np.testing.assert_allclose(
        scores.numpy(), [float(s.pred_aqa_score) for s in pred], rtol=1e-4,
        atol=1e-4)
    emb = tsne.embed_tsne(feats, seed=0)
    assert emb.shape == (6, 2) and np.isfinite(emb).all()
    out = tmp_path / 'tsne.png'
    tsne.plot_embedding(emb, result['labels'], str(out))
    assert out.stat().st_size > 5_000
    tsne.save_features(result, emb, str(tmp_path / 'f.npz'))
    assert np.load(tmp_path / 'f.npz')['embedding'].shape == (6, 2)


def test_train_split_and_pretrainer_checkpoint(tmp_path, tiny_ann):
    pre = MODELS.build(load_config(SME_PRE).model)
    ckpt = _save(pre, tmp_path / 'pre.pth')
    model, loader = tsne.build_model_and_loader(
        SME_FT, ckpt, 'train', _opts(tiny_ann), 6)
    for key, value in pre.backbone.state_dict().items():
        torch.testing.assert_close(model.backbone.state_dict()[key], value)
    result = tsne.extract_features(model, loader, progress=False)
    assert result['features'].shape == (12, 128)


def test_wrong_checkpoint_and_config(tmp_path, tiny_ann):
    stgcn = MODELS.build(load_config(STGCN).model)
    ckpt = _save(stgcn, tmp_path / 'stgcn.pth')
    with pytest.raises(UserError, match='stgcn.pth: its backbone weights do '
                       'not fit SMEGCN'):
        tsne.build_model_and_loader(SME_FT, ckpt, 'test', _opts(tiny_ann))
    head_only = {k: v for k, v in stgcn.state_dict().items()
                 if k.startswith('head.')}
    torch.save(dict(state_dict=head_only), tmp_path / 'head.pth')
    with pytest.raises(UserError, match=r"head.pth: no key starts with .*"
                       r"\['head\.'\]"):
        tsne.build_model_and_loader(STGCN, str(tmp_path / 'head.pth'),
                                    'test', _opts(tiny_ann))
    with pytest.raises(UserError, match='no test_dataloader'):
        tsne.build_model_and_loader(SME_PRE, ckpt)
    with pytest.raises(UserError, match='not found: .*none.pth'):
        tsne.build_model_and_loader(STGCN, str(tmp_path / 'none.pth'),
                                    'test', _opts(tiny_ann))
