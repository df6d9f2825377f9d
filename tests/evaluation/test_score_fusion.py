"""Score fusion: 2:2:1:1 weights, top-1, and alignment of dumps."""
import pickle

import numpy as np
import pytest
import torch

from aqa_mm.evaluation.score_fusion import (fuse_dumps, fuse_scores,
                                            top1_accuracy)


def test_fuse_scores_weights_2_2_1_1():
    # sample 0: joint+bone vote class 0 (weight 4), the motions class 1
    # with larger scores (weight 2 x 1.5 = 3) -> class 0 wins
    j = b = np.array([[1.0, 0.0]])
    jm = bm = np.array([[0.0, 1.5]])
    fused = fuse_scores([j, b, jm, bm])
    np.testing.assert_allclose(fused, [[4.0, 3.0]])
    # equal weights would pick class 1
    assert fuse_scores([j, b, jm, bm], (1, 1, 1, 1)).argmax() == 1


def test_top1_accuracy():
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    assert top1_accuracy(scores, np.array([0, 1, 1])) == pytest.approx(2 / 3)


def test_fuse_scores_rejects_mismatch():
    with pytest.raises(ValueError, match='weights'):
        fuse_scores([np.zeros((2, 3))], (1.0, 2.0))


def test_fuse_dumps_aligns_by_frame_dir(tmp_path):
    rng = np.random.default_rng(0)
    labels = np.array([0, 1, 2, 1])
    streams = [rng.normal(size=(4, 3)) for _ in range(4)]
    paths = []
    for k, scores in enumerate(streams):
        order = rng.permutation(4) if k else np.arange(4)
        records = [dict(frame_dir=f's{i}',
                        pred_scores=dict(item=torch.tensor(scores[i])),
                        gt_labels=dict(item=torch.tensor([labels[i]])))
                   for i in order]
        if k == 3:   # a DumpAQAResults-like stream without labels
            for r in records:
                r.pop('gt_labels')
        paths.append(str(tmp_path / f'{k}.pkl'))
        with open(paths[-1], 'wb') as f:
            pickle.dump(records, f)
    fused, got_labels, top1 = fuse_dumps(paths)
    expected = fuse_scores(streams)
    np.testing.assert_allclose(fused, expected)
    np.testing.assert_array_equal(got_labels, labels)
    assert top1 == pytest.approx(top1_accuracy(expected, labels))
