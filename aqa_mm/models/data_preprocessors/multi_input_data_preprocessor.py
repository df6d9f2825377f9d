"""Data preprocessing for models whose inputs are a dict of modalities."""
from typing import Dict, Optional

import torch
from mmengine.model import BaseDataPreprocessor

from aqa_mm.registry import MODELS


@MODELS.register_module()
class MultiInputDataPreprocessor(BaseDataPreprocessor):
    """Stack and preprocess each entry of a dict of inputs separately.

    mmaction2 1.1.0's ``ActionDataPreprocessor`` only accepts one input
    tensor per sample. Two-view pretraining (``keypoint_var`` /
    ``keypoint_tem``) and two-stream models (``imgs`` / ``keypoint``) pack a
    dict instead (``PackAQAInputs(collect_keys=...)``). Each key listed in
    ``preprocessors`` goes through its own preprocessor (e.g. an
    ``ActionDataPreprocessor`` with mean/std for ``imgs``); every other key is
    only stacked into a batch.

    Args:
        preprocessors (dict[str, dict], optional): Key → preprocessor config.
            Defaults to None (stack every key).
    """

    def __init__(self,
                 preprocessors: Optional[Dict[str, dict]] = None) -> None:
        super().__init__()
        self.preprocessors = torch.nn.ModuleDict({
            key: MODELS.build(cfg)
            for key, cfg in (preprocessors or {}).items()})

    def forward(self, data: dict, training: bool = False) -> dict:
        """Cast to the device, then stack / preprocess every input key.

        Args:
            data (dict): ``dict(inputs=dict(key=[tensor per sample]),
                data_samples=[...])`` from ``pseudo_collate``.
            training (bool): Training mode (passed on). Defaults to False.

        Returns:
            dict: ``inputs`` as a dict of batched tensors, each (N, ...).
        """
        data = self.cast_data(data)
        inputs, samples = data['inputs'], data.get('data_samples')
        if not isinstance(inputs, dict):
            raise TypeError('MultiInputDataPreprocessor expects a dict of '
                            'inputs (PackAQAInputs(collect_keys=...)), got '
                            f'{type(inputs).__name__}')
        batched = {}
        for key, values in inputs.items():
            if key in self.preprocessors:
                out = self.preprocessors[key](
                    dict(inputs=values, data_samples=samples), training)
                batched[key], samples = out['inputs'], out['data_samples']
            else:
                batched[key] = self._stack(key, values)
        return dict(inputs=batched, data_samples=samples)

    @staticmethod
    def _stack(key: str, values) -> torch.Tensor:
        if isinstance(values, torch.Tensor):
            return values
        shapes = {tuple(v.shape) for v in values}
        if len(shapes) > 1:
            raise ValueError(f'inputs[{key!r}] has samples of different '
                             f'shapes {sorted(shapes)}; fix the pipeline '
                             '(e.g. UniformSampleFrames clip_len)')
        return torch.stack(list(values))
