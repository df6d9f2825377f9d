"""Helpers shared by the model tests."""
import torch
from mmaction.structures import ActionDataSample


def score_samples(scores, prefs=None):
    """One ``ActionDataSample`` per score (``frame_dir`` ``s<i>``), with
    ``gt_score`` and, when ``prefs`` is given, ``gt_preference``."""
    out = []
    for i, y in enumerate(scores):
        s = ActionDataSample(metainfo=dict(frame_dir=f's{i}'))
        s.set_field(torch.tensor(float(y)), 'gt_score')
        if prefs is not None:
            s.set_field(torch.tensor(prefs[i]), 'gt_preference')
        out.append(s)
    return out
