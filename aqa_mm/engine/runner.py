"""AQARunner: mmengine's Runner with crash-safe, weights-only checkpoints.

Three differences from :class:`mmengine.runner.Runner`, all confined to the
runner's own calls (importing aqa_mm changes nothing in mmengine or torch):

- ``save_checkpoint`` writes local checkpoints atomically (through
  :class:`~aqa_mm.engine.atomic_local_backend.AtomicLocalBackend`), with
  ``HistoryBuffer`` pickled without its functions, so the file loads under
  ``torch.load(weights_only=True)``;
- ``load_checkpoint`` (used by ``load_from`` and ``--resume``) reads
  mmengine checkpoints weights-only, old ones included
  (:func:`aqa_mm.utils.checkpoint.checkpoint_safe_globals`), with old
  state-dict prefixes renamed (``encoder.`` -> ``backbone.``);
- auto-resume starts from the newest complete checkpoint even when
  ``last_checkpoint`` is empty or names a missing file
  (:func:`aqa_mm.utils.checkpoint.find_latest_checkpoint`).

Configs select it with ``runner_type='AQARunner'``; aqa_mm's tools build it
through :func:`build_runner` when a config names no runner.
"""
import re
from typing import Callable, Optional, Union

from mmengine.config import Config, ConfigDict
from mmengine.dist import master_only
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from aqa_mm.registry import RUNNERS
from aqa_mm.utils.checkpoint import (checkpoint_safe_globals,
                                     find_latest_checkpoint,
                                     history_buffers_without_functions,
                                     renamed_old_prefixes)
from .atomic_local_backend import ATOMIC_LOCAL_BACKEND


@RUNNERS.register_module()
class AQARunner(Runner):
    """:class:`mmengine.runner.Runner` with atomic checkpoints and resume that
    works under ``torch.load(weights_only=True)`` (torch >= 2.6).

    Takes exactly the arguments of mmengine's Runner.
    """

    @master_only
    def save_checkpoint(self, out_dir: str, filename: str,
                        file_client_args: Optional[dict] = None,
                        save_optimizer: bool = True,
                        save_param_scheduler: bool = True,
                        meta: Optional[dict] = None,
                        by_epoch: bool = True,
                        backend_args: Optional[dict] = None) -> None:
        """mmengine's ``save_checkpoint``, atomic for local folders.

        Args:
            out_dir (str): Folder of the checkpoint; remote URIs and custom
                ``backend_args`` / ``file_client_args`` go to mmengine's
                backends unchanged.
            filename (str): Checkpoint file name.
            file_client_args (dict, optional): Deprecated mmengine argument.
            save_optimizer (bool): Save the optimizer. Defaults to True.
            save_param_scheduler (bool): Save the schedulers. Defaults to
                True.
            meta (dict, optional): Extra meta information.
            by_epoch (bool): Name the checkpoint by epoch. Defaults to True.
            backend_args (dict, optional): mmengine storage backend
                arguments.
        """
        if (file_client_args is None and backend_args is None
                and '://' not in str(out_dir)):
            backend_args = dict(backend=ATOMIC_LOCAL_BACKEND)
        with history_buffers_without_functions():
            super().save_checkpoint(
                out_dir, filename, file_client_args=file_client_args,
                save_optimizer=save_optimizer,
                save_param_scheduler=save_param_scheduler, meta=meta,
                by_epoch=by_epoch, backend_args=backend_args)

    def load_checkpoint(self, filename: str,
                        map_location: Union[str, Callable] = 'cpu',
                        strict: bool = False,
                        revise_keys: list = [(r'^module.', '')]) -> dict:
        """mmengine's ``load_checkpoint``, weights-only for mmengine files.

        Args:
            filename (str): Local path, URL or registered scheme.
            map_location (str | callable): As :func:`torch.load`. Defaults
                to ``'cpu'``.
            strict (bool): Require matching keys. Defaults to False.
            revise_keys (list): ``(pattern, replacement)`` pairs applied to
                the checkpoint's keys. Defaults to stripping ``module.``;
                the old prefixes of
                :data:`aqa_mm.utils.checkpoint.OLD_PREFIXES` that apply to
                the model are renamed as well.

        Returns:
            dict: The loaded checkpoint.
        """
        model = self.model.module if is_model_wrapper(self.model) \
            else self.model
        revise_keys = list(revise_keys) + [
            (f'^{re.escape(old)}', new)
            for old, new in renamed_old_prefixes(model)]
        with checkpoint_safe_globals():
            return super().load_checkpoint(
                filename, map_location=map_location, strict=strict,
                revise_keys=revise_keys)

    def load_or_resume(self) -> None:
        """Load ``load_from``, or resume; auto-resume finds the newest
        complete checkpoint of ``work_dir`` (a fresh start when none)."""
        if self._has_loaded or not (self._resume and self._load_from is None):
            return super().load_or_resume()
        resume_from = find_latest_checkpoint(self.work_dir)
        self.logger.info(
            f'Auto resumed from the latest checkpoint {resume_from}.')
        if resume_from is not None:
            self.resume(resume_from)
            self._has_loaded = True


def build_runner(cfg: Union[Config, ConfigDict, dict]) -> Runner:
    """Build the runner a config asks for; :class:`AQARunner` by default.

    mmengine's pattern (``RUNNERS.build(cfg)`` when the config has a
    ``runner_type``, else ``from_cfg``), with :class:`AQARunner` in place
    of mmengine's Runner.

    Args:
        cfg (Config | dict): A complete (train or test) config.

    Returns:
        Runner: The runner, an :class:`AQARunner` unless ``runner_type``
        names another.
    """
    if 'runner_type' in cfg:
        return RUNNERS.build(cfg)
    return AQARunner.from_cfg(cfg)
