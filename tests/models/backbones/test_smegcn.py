import copy
import os

import numpy as np
import pytest
import torch
from mmaction.models.utils import Graph
from mmaction.structures import ActionDataSample

from aqa_mm.models.backbones import SMEGCN
from aqa_mm.models.backbones.ctrgcn_utils import CTRGCUnit, MultiScaleTCN
from aqa_mm.registry import MODELS

GCN_PARAMS_COCO = 1_420_974  # official CTR-GCN, COCO-17, M=1, C=3
# benchmarks/gpu_check.py sets cuda; CI runs these tests on the CPU.
DEVICE = torch.device(os.environ.get('AQA_TEST_DEVICE', 'cpu'))


def _gcn_params(model):
    return sum(p.numel() for k, p in model.named_parameters()
               if not k.startswith('fc.'))


def test_parameter_count_matches_ctrgcn():
    model = SMEGCN()
    assert _gcn_params(model) == GCN_PARAMS_COCO
    assert sum(p.numel() for p in model.parameters()) == \
        GCN_PARAMS_COCO + 256 * 256 + 256


def test_state_dict_uses_ctrgcn_keys():
    keys = set(SMEGCN().state_dict())
    for key in ('data_bn.weight', 'l1.gcn1.convs.2.conv4.weight',
                'l1.gcn1.PA', 'l1.gcn1.alpha', 'l1.gcn1.down.0.weight',
                'l1.tcn1.branches.0.3.conv.weight',
                'l1.tcn1.branches.2.4.weight', 'l5.residual.conv.weight',
                'l10.tcn1.branches.3.1.running_var', 'fc.weight'):
        assert key in keys
    assert not any(k.startswith(('l1.residual', 'l2.residual')) for k in keys)


def test_output_shapes():
    model = SMEGCN(out_channels=32)
    x = torch.randn(2, 1, 20, 17, 3)
    assert model(x).shape == (2, 32)
    assert model.forward_map(x).shape == (2, 1, 256, 5, 17)
    map_model = SMEGCN(out_type='map')
    assert map_model(x).shape == (2, 1, 256, 5, 17)
    assert not hasattr(map_model, 'fc')
    head = MODELS.build(dict(type='GCNHead', num_classes=5, in_channels=256))
    assert head(map_model(x)).shape == (2, 5)


def test_two_persons():
    model = SMEGCN(num_person=2)
    assert model.data_bn.num_features == 2 * 17 * 3
    assert model(torch.randn(3, 2, 12, 17, 3)).shape == (3, 256)


def test_shape_errors_name_expected_shape():
    model = SMEGCN()
    with pytest.raises(ValueError, match=r"\(N, M, T, V, C\) with M=1, "
                       r"V=17 \(graph 'coco'\), C=3, got \(2, 1, 20, 25, 3\)"):
        model(torch.randn(2, 1, 20, 25, 3))
    with pytest.raises(ValueError, match=r'got \(1, 20, 17, 3\)'):
        model(torch.randn(1, 20, 17, 3))
    with pytest.raises(ValueError, match=r'M=1.*got \(2, 2, 20, 17, 3\)'):
        model(torch.randn(2, 2, 20, 17, 3))
    with pytest.raises(ValueError, match='out_type'):
        SMEGCN(out_type='pooled')


def test_graph_is_ctrgcn_normalised_spatial_graph():
    """Identity, inward, outward; each column divided by its sum."""
    graph = Graph(layout='coco', mode='spatial')
    expected = [np.eye(17)]
    for edges in (graph.inward, graph.outward):
        adj = np.zeros((17, 17))
        for i, j in edges:
            adj[j, i] = 1
        expected.append(adj / np.maximum(adj.sum(0, keepdims=True), 1))
    pa = SMEGCN().l1.gcn1.PA.detach().numpy()
    np.testing.assert_allclose(pa, np.stack(expected), atol=1e-7)


def test_init_follows_ctrgcn():
    torch.manual_seed(0)
    model = SMEGCN()
    model.init_weights()  # mmengine's call must keep CTR-GCN's init
    tcn_bn = []
    for i in range(1, 11):
        unit = getattr(model, f'l{i}')
        assert unit.gcn1.alpha.item() == 0
        assert torch.all(unit.gcn1.bn.weight == 1e-6)
        for name, m in unit.named_modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                assert torch.all(m.bias == 0)
                if name.startswith('tcn1'):
                    tcn_bn.append(m.weight.detach())
                elif name != 'gcn1.bn':
                    assert torch.all(m.weight == 1), name
            if isinstance(m, torch.nn.Conv2d):
                assert torch.all(m.bias == 0)
    tcn_bn = torch.cat(tcn_bn)
    assert abs(tcn_bn.mean().item() - 1) < 0.005
    assert 0.015 < tcn_bn.std().item() < 0.025
    conv3 = model.l9.gcn1.convs[0].conv3.weight  # Kaiming, fan_out = 256
    assert abs(conv3.std().item() / (2 / 256)**0.5 - 1) < 0.05


def _reference_unit_gcn(unit, x):
    """CTR-GCN's unit_gcn, one CTRGC call per subset."""
    y = sum(conv(x, unit.PA[k], unit.alpha)
            for k, conv in enumerate(unit.convs))
    return torch.relu(unit.bn(y) + unit.down(x))


@pytest.mark.parametrize('in_channels,out_channels', [(3, 16), (64, 64)])
def test_fused_unit_gcn_matches_per_subset(in_channels, out_channels):
    torch.manual_seed(0)
    A = torch.tensor(Graph(layout='coco', mode='spatial').A)
    unit = CTRGCUnit(in_channels, out_channels, A).double()
    with torch.no_grad():  # make every term matter
        unit.alpha.fill_(0.8)
        unit.PA.add_(0.1 * torch.randn_like(unit.PA))
        unit.bn.weight.normal_(1, 0.1)
    x = torch.randn(3, in_channels, 17, 11, dtype=torch.float64,
                    requires_grad=True)
    fused, ref = unit(x), _reference_unit_gcn(unit, x)
    torch.testing.assert_close(fused, ref, rtol=1e-10, atol=1e-10)
    params = [x, unit.alpha, unit.PA, unit.convs[1].conv1.weight,
              unit.convs[2].conv3.weight]
    w = torch.randn_like(fused)
    for g_fused, g_ref in zip(torch.autograd.grad((fused * w).sum(), params),
                              torch.autograd.grad((ref * w).sum(), params)):
        torch.testing.assert_close(g_fused, g_ref, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize('stride', [1, 2])
def test_fused_temporal_conv_matches_per_branch(stride):
    torch.manual_seed(0)
    tcn = MultiScaleTCN(32, 32, stride=stride).double()
    ref_tcn = copy.deepcopy(tcn)
    x = torch.randn(2, 32, 17, 13, dtype=torch.float64,  # [B, C, V, T]
                    requires_grad=True)
    ref = torch.cat([branch(x) for branch in ref_tcn.branches], dim=1)
    assert ref.shape == (2, 32, 17, 13 if stride == 1 else 7)
    out = tcn(x)
    torch.testing.assert_close(out, ref, rtol=1e-10, atol=1e-10)
    w = torch.randn_like(out)
    torch.testing.assert_close(torch.autograd.grad((out * w).sum(), x),
                               torch.autograd.grad((ref * w).sum(), x))
    # the fused BNs update every branch's running statistics the same way
    for (name, a), b in zip(tcn.state_dict().items(),
                            ref_tcn.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12, msg=name)
    tcn.eval()
    ref_tcn.eval()
    torch.testing.assert_close(
        tcn(x), torch.cat([b(x) for b in ref_tcn.branches], dim=1))


def test_pretrained_init_cfg_with_prefix(tmp_path):
    torch.manual_seed(0)
    source = SMEGCN()
    ckpt = tmp_path / 'encoder.pth'
    torch.save(dict(state_dict={f'backbone.{k}': v for k, v in
                                source.state_dict().items()}), ckpt)
    model = SMEGCN(init_cfg=dict(type='Pretrained', checkpoint=str(ckpt),
                                 prefix='backbone.'))
    model.init_weights()
    for key, value in source.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key


def test_skeleton_assessor_end_to_end():
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='SkeletonAssessor', backbone=dict(type='SMEGCN', dropout=0.5),
        head=dict(type='AQARegressionHead', in_channels=256)))
    model.init_weights()
    samples = []
    for score in (1.0, 2.0):
        sample = ActionDataSample()
        sample.set_field(torch.tensor(score), 'gt_score')
        samples.append(sample)
    losses = model(torch.randn(2, 1, 1, 16, 17, 3), samples, mode='loss')
    sum(losses.values()).backward()
    backbone = model.backbone
    for param in (backbone.l1.gcn1.PA, backbone.l10.gcn1.convs[0].conv3.weight,
                  backbone.l5.tcn1.branches[0][0].weight, backbone.fc.weight):
        assert param.grad is not None and param.grad.abs().sum() > 0
    assert backbone.l3.gcn1.alpha.grad is not None
    model.eval()
    assert model(torch.randn(2, 1, 1, 16, 17, 3), mode='tensor').shape == (2, )


def test_frozen_encoder_changes_neither_weights_nor_bn_statistics():
    model = SMEGCN(base_channels=16, out_channels=32, frozen=True)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    assert not model.training and not model.data_bn.training
    out = model(torch.randn(2, 1, 12, 17, 3))
    assert not out.requires_grad
    for k, v in model.state_dict().items():
        assert torch.equal(v, before[k]), k
    unfrozen = SMEGCN(base_channels=16, out_channels=32).train()
    unfrozen(torch.randn(2, 1, 12, 17, 3))
    assert not torch.equal(unfrozen.data_bn.running_mean,
                           torch.zeros_like(unfrozen.data_bn.running_mean))


def test_training_step_on_test_device_matches_cpu():
    """Forward + backward on $AQA_TEST_DEVICE give the CPU's numbers
    (cuDNN's default TF32 convolutions: about 1e-3 relative)."""
    torch.manual_seed(0)
    cpu = SMEGCN(base_channels=16, out_channels=32)
    dev = copy.deepcopy(cpu).to(DEVICE)
    x = torch.randn(4, 1, 20, 17, 3)
    outs = [m(inp) for m, inp in ((cpu, x), (dev, x.to(DEVICE)))]
    assert outs[1].device.type == DEVICE.type
    tol = dict(rtol=0, atol=0) if DEVICE.type == 'cpu' else \
        dict(rtol=2e-2, atol=2e-2)
    torch.testing.assert_close(outs[1].cpu(), outs[0], **tol)
    for out in outs:
        (out ** 2).mean().backward()
    for (name, p_cpu), p_dev in zip(cpu.named_parameters(),
                                    dev.parameters()):
        scale = p_cpu.grad.abs().max().clamp_min(1e-6)
        torch.testing.assert_close(p_dev.grad.cpu() / scale,
                                   p_cpu.grad / scale, **tol, msg=name)
    torch.testing.assert_close(dev.data_bn.running_mean.cpu(),
                               cpu.data_bn.running_mean, **tol)


def test_autocast_training_step_on_test_device():
    """Under AMP (float16 on CUDA, bfloat16 on CPU) features stay close to
    float32 and every gradient is finite."""
    torch.manual_seed(0)
    model = SMEGCN(base_channels=16, out_channels=32).to(DEVICE)
    x = torch.randn(4, 1, 20, 17, 3, device=DEVICE)
    ref = copy.deepcopy(model)(x)
    dtype = torch.float16 if DEVICE.type == 'cuda' else torch.bfloat16
    with torch.autocast(DEVICE.type, dtype=dtype):
        out = model(x)
    assert out.dtype == dtype
    torch.testing.assert_close(out.float(), ref, rtol=0.1, atol=0.1)
    out.float().pow(2).mean().backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert len(grads) == len(list(model.parameters()))
    assert all(torch.isfinite(g).all() for g in grads)


def test_forward_pooled_is_the_mean_of_the_map_before_fc():
    model = SMEGCN(base_channels=16, out_channels=8).eval()
    x = torch.randn(2, 1, 12, 17, 3)
    pooled = model.forward_pooled(x)
    assert pooled.shape == (2, 64)
    expected = model.forward_map(x).mean(dim=(1, 3, 4))  # over M, T', V
    torch.testing.assert_close(pooled, expected)
    torch.testing.assert_close(model(x), model.fc(pooled))
    map_model = SMEGCN(base_channels=16, out_type='map').eval()
    assert map_model.forward_pooled(x).shape == (2, 64)
