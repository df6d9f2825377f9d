"""Same seed, same predictions: two CPU training runs with ``--seed 0
--deterministic`` give bit-identical weights and identical
``tools/test.py --dump`` predictions; another seed gives other weights (so
the comparison can fail)."""
import pytest
import torch

from aqa_mm.utils.checkpoint import load_checkpoint_file
from .conftest import evaluate, train, write_tiny_config


def _weights(path):
    return load_checkpoint_file(path)['state_dict']


@pytest.mark.slow
def test_same_seed_gives_identical_predictions(tmp_path, tiny_ann):
    config = write_tiny_config(tmp_path, tiny_ann, epochs=1)  # dropout 0.2
    runs = {}
    for name, seed in (('a', '0'), ('b', '0'), ('other', '1')):
        train(config, tmp_path / name, ['--seed', seed, '--deterministic'])
        runs[name] = _weights(tmp_path / name / 'epoch_1.pth')
    a, b, other = runs['a'], runs['b'], runs['other']
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not all(torch.equal(a[k], other[k]) for k in a)

    metrics_a, preds_a = evaluate(config, tmp_path / 'a' / 'epoch_1.pth',
                                  tmp_path / 'eval_a')
    metrics_b, preds_b = evaluate(config, tmp_path / 'b' / 'epoch_1.pth',
                                  tmp_path / 'eval_b')
    assert len(preds_a) == 6
    assert preds_a == preds_b  # every field of every record, exact floats
    assert metrics_a == metrics_b
