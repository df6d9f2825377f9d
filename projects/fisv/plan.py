"""The runs of the Fis-V study: every head x score x seed."""
import argparse
import os.path as osp
from typing import List

from mmengine.config import Config

from aqa_mm.engine.launcher import TrainRun
from aqa_mm.utils.run_record import relative_path as rel  # noqa: F401

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(osp.dirname(HERE))
RESULTS = osp.join(HERE, 'results')
#: (head, score) -> config, relative to the repository root
CONFIGS = {
    ('gdlt', 'tes'): 'configs/fisv/gdlt_swin-feat_1xb32-320e_fisv-tes.py',
    ('gdlt', 'pcs'): 'configs/fisv/gdlt_swin-feat_1xb32-400e_fisv-pcs.py',
    ('meanfc', 'tes'): 'configs/fisv/meanfc_swin-feat_1xb16-100e_fisv-tes.py',
    ('meanfc', 'pcs'): 'configs/fisv/meanfc_swin-feat_1xb16-100e_fisv-pcs.py',
}
#: the configs' schedules (GDLT's Fis-V recipe; 2M-AF's head recipe)
DEFAULT_EPOCHS = {('gdlt', 'tes'): 320, ('gdlt', 'pcs'): 400,
                  ('meanfc', 'tes'): 100, ('meanfc', 'pcs'): 100}
CURVE_KEY = 'test_curve/aqa/spearman'


def curve_hooks(config: str) -> list:
    """The config's ``custom_hooks`` plus the per-epoch test curve.

    Args:
        config (str): Config file.

    Returns:
        list[dict]: Hook configs (``EpochTestCurveHook`` last).
    """
    hooks = list(Config.fromfile(config).get('custom_hooks', []))
    return hooks + [dict(type='EpochTestCurveHook', interval=1)]


def plan_runs(args: argparse.Namespace) -> List[dict]:
    """Every run to do, seeds interleaved so partial results stay balanced.

    Each run trains its whole schedule, is tested once after the last
    epoch (the result) and logs the test split's ρ after every epoch (the
    curve, from which the best test epoch is read for comparison only).

    Args:
        args (argparse.Namespace): ``heads``, ``scores``, ``seeds``,
            ``gdlt_epochs`` (None: GDLT's schedule), ``data_root``,
            ``work_dir``.

    Returns:
        list[dict]: ``key`` (``head/score/e<epochs>/seed<seed>``),
        ``head``, ``score``, ``seed``, ``epochs`` and ``run``
        (:class:`TrainRun`) per run.
    """
    runs = []
    for head in args.heads:
        for seed in args.seeds:
            for score in args.scores:
                epochs = DEFAULT_EPOCHS[(head, score)]
                if head == 'gdlt' and args.gdlt_epochs:
                    epochs = args.gdlt_epochs
                ann = osp.join(args.data_root, f'fisv_{score}.pkl')
                feats = osp.join(args.data_root, 'features')
                config = osp.join(ROOT, CONFIGS[(head, score)])
                options = {}
                for split in ('train', 'val', 'test'):
                    loader = f'{split}_dataloader.dataset'
                    options[f'{loader}.ann_file'] = ann
                    options[f'{loader}.data_prefix.feature'] = feats
                options.update({'train_cfg.max_epochs': epochs,
                                'default_hooks.checkpoint.interval': 10,
                                'default_hooks.logger.interval': 50,
                                'custom_hooks': curve_hooks(config)})
                if head == 'gdlt':     # the cosine decay spans the schedule
                    options.update({'param_scheduler.0.T_max': epochs,
                                    'param_scheduler.0.end': epochs})
                key = f'{head}/{score}/e{epochs}/seed{seed}'
                runs.append(dict(
                    key=key, head=head, score=score, seed=seed,
                    epochs=epochs, run=TrainRun(
                        config, osp.join(args.work_dir, key.replace('/', '_')),
                        seed, options)))
    return runs
