"""The JIGSAWS manipulator graph: its edges, and SME-GCN built on it."""
import numpy as np
import torch
from mmaction.models.utils import Graph

from aqa_mm.datasets.converters.jigsaws_reader import CHANNELS, MANIPULATORS
from aqa_mm.models.backbones.smegcn import SMEGCN
from aqa_mm.models.utils.graph_layouts import (JIGSAWS_GRAPH_CFG,
                                               JIGSAWS_LAYOUT)


def test_jigsaws_edges():
    assert JIGSAWS_LAYOUT['num_node'] == len(MANIPULATORS) == 4
    edges = {frozenset(e) for e in JIGSAWS_LAYOUT['inward']}
    left, right = MANIPULATORS.index('master_left'), \
        MANIPULATORS.index('master_right')
    p_left, p_right = MANIPULATORS.index('patient_left'), \
        MANIPULATORS.index('patient_right')
    assert edges == {frozenset(e) for e in [(left, right), (left, p_left),
                                            (right, p_right),
                                            (p_left, p_right)]}
    a = Graph(**JIGSAWS_GRAPH_CFG).A  # (3, V, V): self, inward, outward
    assert a.shape == (3, 4, 4)
    adjacency = (a[1] + a[2]) > 0
    assert np.array_equal(adjacency, adjacency.T)
    assert adjacency.sum(0).tolist() == [2, 2, 2, 2]  # a 4-cycle


def test_smegcn_forward_on_kinematics():
    torch.manual_seed(0)
    model = SMEGCN(graph_cfg=JIGSAWS_GRAPH_CFG, in_channels=len(CHANNELS),
                   base_channels=8, out_channels=16)
    x = torch.randn(2, 1, 24, 4, 19)  # (N, M, T, V = manipulators, C)
    assert model(x).shape == (2, 16)
    assert model.forward_map(x).shape == (2, 1, 32, 6, 4)
