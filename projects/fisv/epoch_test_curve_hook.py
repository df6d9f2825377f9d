"""EpochTestCurveHook: the test split's metrics after every epoch, logged
as a learning curve (``test_curve/<metric>`` in ``vis_data/scalars.json``).

The Fis-V study reports the last epoch. This curve only shows how the test
ρ evolves and how far the best test epoch (the selection GDLT's code makes)
lies above the last one; nothing reads it to pick a checkpoint. The RNG
states are restored around every evaluation, so training draws exactly
what it would without the hook.
"""
import torch
from mmengine.hooks import Hook

from aqa_mm.engine.hooks.representation_eval_hook import preserved_rng_state
from aqa_mm.registry import HOOKS


@HOOKS.register_module()
class EpochTestCurveHook(Hook):
    """Evaluate the config's test split every ``interval`` training epochs.

    Uses the config's ``test_dataloader`` and ``test_evaluator`` (built once,
    before training) and the model's ``val_step``, as mmengine's ValLoop
    does; the metrics go to the visualizer at step = completed epochs.

    Args:
        interval (int): Epochs between evaluations (the last epoch is
            always evaluated). Defaults to 1.
        prefix (str): Prefix of the logged scalar names. Defaults to
            ``'test_curve'``.
    """

    priority = 'LOW'

    def __init__(self, interval: int = 1, prefix: str = 'test_curve') -> None:
        self.interval = interval
        self.prefix = prefix
        self._loader = None
        self._evaluator = None

    def before_train(self, runner) -> None:
        """Build the test loader and evaluator (RNG left untouched).

        Args:
            runner (mmengine.runner.Runner): The training runner.
        """
        with preserved_rng_state():
            self._loader = runner.build_dataloader(runner.cfg.test_dataloader)
        self._evaluator = runner.build_evaluator(runner.cfg.test_evaluator)
        dataset = self._loader.dataset
        if hasattr(dataset, 'metainfo'):
            self._evaluator.dataset_meta = dataset.metainfo

    def after_train_epoch(self, runner) -> None:
        """Evaluate and log ``<prefix>/<metric>`` at step = completed epochs.

        Args:
            runner (mmengine.runner.Runner): The training runner.
        """
        if not (self.every_n_epochs(runner, self.interval)
                or self.is_last_train_epoch(runner)):
            return
        model = runner.model
        with preserved_rng_state(), torch.no_grad():
            model.eval()
            for batch in self._loader:
                self._evaluator.process(data_samples=model.val_step(batch),
                                        data_batch=batch)
            metrics = self._evaluator.evaluate(len(self._loader.dataset))
            model.train()
        runner.visualizer.add_scalars(
            {f'{self.prefix}/{k}': v for k, v in metrics.items()},
            step=runner.epoch + 1)
