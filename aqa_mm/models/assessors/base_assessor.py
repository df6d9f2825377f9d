"""BaseAssessor: mmengine's three-mode forward over a score head.

Every assessor turns its inputs into the arguments of its head and then
calls ``head.loss``, ``head.predict`` or the head itself; subclasses only
say what the head takes (:meth:`BaseAssessor.head_inputs`) and, where it
differs, what ``mode='tensor'`` returns (:meth:`BaseAssessor.head_tensor`).
Not registered.
"""
from typing import Any, Dict, List, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel

MODES = ('loss', 'predict', 'tensor')


class BaseAssessor(BaseModel):
    """A model with a score head (``self.head``) and a three-mode forward.

    Args:
        data_preprocessor (dict, optional): Data preprocessor config.
        init_cfg (dict, optional): Weight init. Defaults to None.
    """

    def head_inputs(self, inputs: Any) -> Tuple[tuple, Dict[str, Any]]:
        """The head's positional and keyword arguments for ``inputs``.

        Args:
            inputs (Tensor | dict[str, Tensor]): As the data preprocessor
                gives them (see the subclass).

        Returns:
            tuple[tuple, dict]: Arguments of ``head.loss`` / ``head.predict``
            (before and besides ``data_samples``).
        """
        raise NotImplementedError

    def head_tensor(self, args: tuple, kwargs: Dict[str, Any]) -> Any:
        """What ``mode='tensor'`` returns: the head's raw output.

        Args:
            args (tuple): Positional arguments from :meth:`head_inputs`.
            kwargs (dict): Keyword arguments from :meth:`head_inputs`.

        Returns:
            Tensor | dict: The head's output.
        """
        return self.head(*args, **kwargs)

    def forward(self,
                inputs: Union[torch.Tensor, Dict[str, torch.Tensor]],
                data_samples: Optional[List] = None,
                mode: str = 'tensor') -> Union[Dict, List, torch.Tensor]:
        """mmengine's three-mode forward.

        Args:
            inputs (Tensor | dict[str, Tensor]): See the class docstring.
            data_samples (list[ActionDataSample], optional): Targets.
            mode (str): ``'loss'``, ``'predict'`` or ``'tensor'``.

        Returns:
            dict | list | Tensor: Losses; filled samples; or
            :meth:`head_tensor`.
        """
        if mode not in MODES:
            raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', "
                             f'got {mode!r}')
        args, kwargs = self.head_inputs(inputs)
        if mode == 'loss':
            return self.head.loss(*args, data_samples=data_samples, **kwargs)
        if mode == 'predict':
            return self.head.predict(*args, data_samples=data_samples,
                                     **kwargs)
        return self.head_tensor(args, kwargs)
