"""The torchvision person detector: contract tests with random weights and
a stubbed model (nothing downloaded).

torchvision is optional. The tests that build a torchvision model skip
where it cannot be used: not installed, or a build for another torch
(PyPI's CUDA wheel beside torch's CPU wheel raises RuntimeError, not
ImportError, on import, so ``pytest.importorskip`` would not skip it). The
filtering, checkpoint-reading and name checks run everywhere.
"""
import copy

import numpy as np
import pytest
import torch

from aqa_mm.pose.torchvision_detector import (DETECTION_MODELS,
                                              TorchvisionPersonDetector,
                                              load_detector_state_dict,
                                              person_label,
                                              published_weights_url,
                                              torchvision_available)
from aqa_mm.utils.cli import UserError

HAVE_TV = torchvision_available()
needs_tv = pytest.mark.skipif(
    not HAVE_TV, reason='torchvision (the build matching torch) is not '
    'importable')

# small R-CNN inputs keep the CPU forwards to a fraction of a second
SMALL = dict(min_size=64, max_size=96)
FAST_MODEL = 'fasterrcnn_mobilenet_v3_large_320_fpn'


def frames_of(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            for h, w in shapes]


def one_line(exc_info, *parts):
    message = str(exc_info.value)
    assert '\n' not in message, message
    for part in parts:
        assert part in message, message
    return message


class StubDetector(torch.nn.Module):
    """Returns fixed boxes of several classes; records its inputs."""

    def __init__(self):
        super().__init__()
        self.inputs = []

    def forward(self, images):
        assert not torch.is_grad_enabled()
        self.inputs.append(images)
        boxes = torch.tensor([[-5., 2., 10., 20.],   # person, confident
                              [5., 5., 15., 25.],    # class 3, confident
                              [1., 1., 2., 2.],      # person, weak
                              [30., 40., 99., 99.]])  # person, off the edge
        return [dict(boxes=boxes.clone(),
                     scores=torch.tensor([0.9, 0.95, 0.2, 0.6]),
                     labels=torch.tensor([1, 3, 1, 1])) for _ in images]


def test_keeps_confident_person_boxes_of_a_stub_model():
    stub = StubDetector()
    frames = frames_of((48, 64), (48, 64))
    frames[0][..., 0] = 255  # blue in BGR
    frames[0][..., 1:] = 0
    dets = TorchvisionPersonDetector(stub, score_thr=0.5)(frames)
    assert len(dets) == 2
    # only label 1 above the threshold, clipped to the 64 x 48 frame
    np.testing.assert_allclose(dets[0], [[0, 2, 10, 20, 0.9],
                                         [30, 40, 64, 48, 0.6]], rtol=1e-6)
    assert all(d.dtype == np.float32 and d.shape == (2, 5) for d in dets)
    # one batched call, RGB float in [0, 1], (3, H, W)
    (images,) = stub.inputs
    assert len(images) == 2 and images[0].shape == (3, 48, 64)
    assert images[0].dtype == torch.float32
    assert torch.all(images[0][2] == 1) and torch.all(images[0][:2] == 0)


def test_stub_no_person_and_empty_batch():
    stub = StubDetector()
    det = TorchvisionPersonDetector(stub, score_thr=0.99)
    out = det(frames_of((8, 8)))
    assert out[0].shape == (0, 5) and out[0].dtype == np.float32
    assert det([]) == [] and len(stub.inputs) == 1


def test_unknown_model_name_is_refused():
    with pytest.raises(UserError) as exc:
        TorchvisionPersonDetector.from_files('yolov8', 'x.pth', 'cpu')
    one_line(exc, "'yolov8'", 'fasterrcnn_resnet50_fpn', 'ssd300_vgg16')


def test_missing_checkpoint_names_the_file(tmp_path):
    path = str(tmp_path / 'nowhere.pth')
    with pytest.raises(UserError) as exc:
        load_detector_state_dict(path)
    one_line(exc, 'not found', path)


def test_unreadable_checkpoint_names_the_file(tmp_path):
    path = tmp_path / 'garbage.pth'
    path.write_bytes(b'not a torch file at all')
    with pytest.raises(UserError) as exc:
        load_detector_state_dict(str(path))
    one_line(exc, 'cannot read detector checkpoint', str(path))


class Evil:
    """Unpickling this would create a folder: weights_only must refuse."""

    def __init__(self, target):
        self.target = target

    def __reduce__(self):
        import os
        return os.makedirs, (self.target, )


def test_arbitrary_pickle_is_refused(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save({'w': torch.zeros(1), 'x': Evil(str(tmp_path / 'pwned'))},
               path)
    with pytest.raises(UserError) as exc:
        load_detector_state_dict(str(path))
    one_line(exc, str(path))
    assert not (tmp_path / 'pwned').exists()


def test_non_state_dict_is_refused(tmp_path):
    path = tmp_path / 'list.pth'
    torch.save([torch.zeros(1)], path)
    with pytest.raises(UserError) as exc:
        load_detector_state_dict(str(path))
    one_line(exc, 'not a state dict', str(path))


def test_wrapped_state_dict_is_unwrapped(tmp_path):
    path = tmp_path / 'wrapped.pth'
    torch.save({'model': {'a': torch.ones(2)}, 'epoch': 3}, path)
    assert list(load_detector_state_dict(str(path))) == ['a']


@pytest.mark.skipif(HAVE_TV, reason='torchvision is importable here')
def test_without_torchvision_a_one_line_error(tmp_path):
    assert torchvision_available() is False
    with pytest.raises(UserError) as exc:
        TorchvisionPersonDetector.with_random_weights(FAST_MODEL)
    one_line(exc, 'torchvision', torch.__version__)


@needs_tv
def test_person_is_label_1_in_the_published_categories():
    import torchvision
    from torchvision.models import detection
    assert set(DETECTION_MODELS) <= set(
        torchvision.models.list_models(module=detection))
    for name in DETECTION_MODELS:
        weights = torchvision.models.get_model_weights(name).DEFAULT
        assert weights.meta['categories'][1] == 'person', name
        assert person_label(name) == 1
        assert published_weights_url(name).startswith(
            'https://download.pytorch.org/models/')


@needs_tv
@pytest.mark.parametrize('name, kwargs', [
    ('fasterrcnn_resnet50_fpn', dict(SMALL, box_score_thresh=0.0)),
    ('retinanet_resnet50_fpn', dict(SMALL, score_thresh=0.0)),
    ('ssdlite320_mobilenet_v3_large', dict(score_thresh=0.0)),
])
def test_random_weights_contract(name, kwargs):
    """Two classes (background, person), so that random weights give
    person boxes: the real model's output goes through the whole path."""
    frames = frames_of((48, 64), (60, 40), (48, 64))
    for thr in (0.0, 0.5):
        det = TorchvisionPersonDetector.with_random_weights(
            name, score_thr=thr, num_classes=2, **kwargs)
        assert det.person_label == 1 and not det.model.training
        dets = det(frames)
        assert isinstance(dets, list) and len(dets) == len(frames)
        if thr == 0.0:
            assert sum(len(d) for d in dets) > 0
        for frame, d in zip(frames, dets):
            h, w = frame.shape[:2]
            assert d.dtype == np.float32 and d.ndim == 2 and d.shape[1] == 5
            assert np.all(d[:, 4] >= thr)
            assert np.all(d[:, [0, 1]] >= 0)
            assert np.all(d[:, 2] <= w) and np.all(d[:, 3] <= h)
            assert np.all(d[:, 2] >= d[:, 0]) and np.all(d[:, 3] >= d[:, 1])


@needs_tv
def test_random_weights_do_not_touch_the_global_rng():
    state = torch.random.get_rng_state()
    a = TorchvisionPersonDetector.with_random_weights(FAST_MODEL, seed=3)
    assert torch.equal(state, torch.random.get_rng_state())
    b = TorchvisionPersonDetector.with_random_weights(FAST_MODEL, seed=3)
    sa, sb = a.model.state_dict(), b.model.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)


@needs_tv
def test_checkpoint_round_trip(tmp_path, monkeypatch):
    kwargs = dict(score_thresh=0.0)
    name = 'ssdlite320_mobilenet_v3_large'
    src = TorchvisionPersonDetector.with_random_weights(
        name, score_thr=0.0, seed=1, **kwargs)
    path = tmp_path / 'ssdlite-0123abcd.pth'
    torch.save(src.model.state_dict(), path)
    frames = frames_of((48, 64), (60, 40))
    want = src(frames)
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'hub'))
    for checkpoint in (str(path), path.as_uri()):  # a path and a URL
        det = TorchvisionPersonDetector.from_files(name, checkpoint, 'cpu',
                                                   0.0, **kwargs)
        got = det.model.state_dict()
        for key, value in src.model.state_dict().items():
            assert torch.equal(got[key], value), key
        for a, b in zip(det(frames), want):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)


@needs_tv
def test_published_format_with_frozen_batch_norm(tmp_path):
    """torchvision's COCO weights come from models with FrozenBatchNorm2d
    (no ``num_batches_tracked``): they load, and give the same output."""
    from torchvision.ops.misc import FrozenBatchNorm2d
    kwargs = dict(box_score_thresh=0.0)
    model = TorchvisionPersonDetector.with_random_weights(
        FAST_MODEL, **kwargs).model
    frozen = copy.deepcopy(model)
    gen = torch.Generator().manual_seed(0)
    for parent in list(frozen.modules()):
        for child_name, bn in list(parent.named_children()):
            if isinstance(bn, torch.nn.BatchNorm2d):
                fbn = FrozenBatchNorm2d(bn.num_features, eps=bn.eps)
                n = bn.num_features
                fbn.weight.copy_(1 + 0.1 * torch.randn(n, generator=gen))
                fbn.bias.copy_(0.1 * torch.randn(n, generator=gen))
                fbn.running_mean.copy_(0.1 * torch.randn(n, generator=gen))
                fbn.running_var.copy_(1 + torch.rand(n, generator=gen))
                setattr(parent, child_name, fbn)
    state = frozen.state_dict()
    assert not any(k.endswith('num_batches_tracked') for k in state)
    path = tmp_path / 'published_like.pth'
    torch.save(state, path)
    det = TorchvisionPersonDetector.from_files(FAST_MODEL, str(path), 'cpu',
                                               0.0, **kwargs)
    # compare features: random-weight detections tie, so their order is
    # arbitrary
    x = torch.rand(1, 3, 96, 128, generator=gen)
    with torch.no_grad():
        want, got = frozen.eval().backbone(x), det.model.backbone(x)
        assert want.keys() == got.keys()
        for key in want:
            torch.testing.assert_close(got[key], want[key], rtol=1e-4,
                                       atol=1e-5)
        want, got = frozen([x[0]])[0], det.model([x[0]])[0]
    assert len(want['scores']) > 0
    torch.testing.assert_close(got['scores'].sort().values,
                               want['scores'].sort().values)


@needs_tv
def test_mismatched_checkpoint_names_file_and_keys(tmp_path):
    other = TorchvisionPersonDetector.with_random_weights(
        'ssdlite320_mobilenet_v3_large').model
    path = tmp_path / 'ssdlite.pth'
    torch.save(other.state_dict(), path)
    with pytest.raises(UserError) as exc:
        TorchvisionPersonDetector.from_files(FAST_MODEL, str(path), 'cpu')
    message = one_line(exc, str(path), FAST_MODEL, 'missing keys',
                       'unexpected keys', 'more)')
    assert 'backbone.' in message


@needs_tv
def test_wrong_class_count_names_the_shapes(tmp_path):
    two = TorchvisionPersonDetector.with_random_weights(
        FAST_MODEL, num_classes=2).model
    path = tmp_path / 'two_classes.pth'
    torch.save(two.state_dict(), path)
    with pytest.raises(UserError) as exc:
        TorchvisionPersonDetector.from_files(FAST_MODEL, str(path), 'cpu')
    one_line(exc, str(path), 'shape mismatches',
             'box_predictor.cls_score.bias (2,) vs (91,)')
