import json

import numpy as np
import pytest

from aqa_mm.analysis.pfm_report import (format_json, format_markdown,
                                        pfm_report, preference_labels)
from aqa_mm.utils.cli import DataError
from .synthetic_dumps import CLASSES, single_stream_records, two_stream_records


def _records():
    gt = [10, 20, 30, 40]
    skel = [11, 25, 29, 50]   # errors 1, 5, 1, 10
    rgb = [14, 21, 31, 41]    # errors 4, 1, 1, 1
    chosen = [0, 1, 1, 0]
    return [dict(frame_dir=f's{i}', class_name='a', class_id=0,
                 gt_score=float(g), pred_score_skeleton=float(s),
                 pred_score_rgb=float(r), pred_stream=c,
                 pred_prob_rgb=float(c),
                 pred_aqa_score=float(r if c else s))
            for i, (g, s, r, c) in enumerate(zip(gt, skel, rgb, chosen))]


def test_preference_label_ties_go_to_skeleton():
    labels = preference_labels(np.array([11., 25, 29, 50]),
                               np.array([14., 21, 31, 41]),
                               np.array([10., 20, 30, 40]))
    assert labels.tolist() == [0, 1, 0, 1]


def test_hand_computed_statistics():
    report = pfm_report(_records())
    assert list(report['per_class']) == ['a'] and 'fisher_z' not in report
    stats = report['overall']
    assert stats['n'] == 4
    assert stats['select_rgb'] == stats['select_skeleton'] == 0.5
    assert stats['prefer_rgb'] == 0.5
    assert stats['selector_acc'] == 0.5      # right on s0, s1; wrong on s2, s3
    assert stats['rho_oracle'] == pytest.approx(1.0)
    assert stats['rho_fused'] == pytest.approx(1.0)  # 11, 21, 31, 50
    assert stats['gain_vs_skeleton'] == pytest.approx(
        stats['rho_fused'] - stats['rho_skeleton'])
    assert stats['mean_prob_rgb'] == 0.5


def test_per_class_and_fisher_z():
    report = pfm_report(two_stream_records())
    assert list(report['per_class']) == list(CLASSES)
    per = report['per_class']
    # skeleton is the better stream on vault, RGB on dive
    assert per['vault']['prefer_rgb'] < 0.5 < per['dive']['prefer_rgb']
    for stats in [*per.values(), report['overall']]:
        assert stats['rho_oracle'] >= max(stats['rho_skeleton'],
                                          stats['rho_rgb']) - 1e-9
        assert stats['select_rgb'] + stats['select_skeleton'] == 1.0
    assert set(report['fisher_z']) >= {'rho_fused', 'gain_vs_rgb'}


def test_markdown_and_json():
    report = pfm_report(two_stream_records())
    text = format_markdown(report)
    rows = [ln for ln in text.splitlines() if ln.startswith('| ')]
    assert len(rows) == 1 + len(CLASSES) + 2  # header, classes, pooled, Ave
    assert 'selector acc.' in rows[0] and 'ρ oracle' in rows[0]
    assert '**Fisher-z Ave**' in rows[-1]
    one = pfm_report(_records()[:1])           # ρ of one sample is NaN
    assert json.loads(format_json(one))['overall']['rho_fused'] is None
    assert '| – |' in format_markdown(one)


def test_single_stream_dump_names_missing_key():
    with pytest.raises(DataError, match="preds.pkl: record 0 .*'pred_score_"
                       "skeleton'.*two-stream"):
        pfm_report(single_stream_records(), 'preds.pkl')


def test_bad_stream_value():
    records = _records()
    records[0]['pred_stream'] = 3
    with pytest.raises(ValueError,
                       match=r"x.pkl: pred_stream .* found \[3\]"):
        pfm_report(records, 'x.pkl')


def test_fallback_and_concat_stream():
    """A fallback overrides pred_stream; the selector's own choice
    (pred_stream_selector) is what selector accuracy scores."""
    records = _records()
    for r in records:
        r['pred_stream_selector'] = r['pred_stream']
        r['pred_score_concat'] = r['gt_score']
    records[3]['pred_stream'] = 2          # concat used as fallback
    records[3]['pred_aqa_score'] = records[3]['pred_score_concat']
    report = pfm_report(records)
    stats = report['overall']
    assert report['selector_key'] == 'pred_stream_selector'
    assert stats['selector_acc'] == 0.5    # unchanged by the fallback
    assert stats['select_concat'] == 0.25
    text = format_markdown(report)
    assert 'sel. concat' in text and 'pred_stream_selector' in text
    assert 'sel. concat' not in format_markdown(pfm_report(_records()))
