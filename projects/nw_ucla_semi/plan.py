"""The runs of the semi-supervised NW-UCLA study, in the order they run, and
which of them remain.

Every step is one :class:`aqa_mm.engine.launcher.TrainRun` in
``<work_dir>/<step>``: ``pretrain_<variant>``, then per labelled fraction
and seed the finetuning runs and the scratch run
(``finetune_<variant>_e<epoch>_p<pct>_s<seed>``, ``scratch_p<pct>_s<seed>``),
seed by seed, so a study cut short still compares like with like.
"""
import argparse
import os.path as osp
import re
from dataclasses import dataclass
from typing import List, Optional

from aqa_mm.datasets.label_subset import subset_key
from aqa_mm.engine.launcher import TrainRun, read_launch_result
from aqa_mm.utils.cli import load_config

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(osp.dirname(HERE))
#: pretraining variant -> config (each option is one line in its config)
VARIANTS = {
    'faithful': 'configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py',
    'view_aug': 'projects/nw_ucla_semi/configs/'
                'nw_ucla_xview_pretrain_view_aug.py',
    'projector': 'projects/nw_ucla_semi/configs/'
                 'nw_ucla_xview_pretrain_projector.py',
    'view_aug_projector': 'projects/nw_ucla_semi/configs/'
                          'nw_ucla_xview_pretrain_view_aug_projector.py',
    'moco': 'projects/nw_ucla_semi/configs/nw_ucla_xview_pretrain_moco.py',
    'tau0.2': 'projects/nw_ucla_semi/configs/'
              'nw_ucla_xview_pretrain_tau0.2.py',
}
#: finetuning config name -> path
FINETUNE_CONFIGS = {
    'nw_ucla_xview_finetune.py':
        'configs/sme_gcn/transfer/nw_ucla_xview_finetune.py',
    'nw_ucla_xview_finetune_backbone_lr0.1.py':
        'projects/nw_ucla_semi/configs/'
        'nw_ucla_xview_finetune_backbone_lr0.1.py',
}
SCRATCH = 'configs/sme_gcn/transfer/nw_ucla_xview_scratch.py'
#: the labelled subsets (class-stratified, nested, fixed by fraction and seed)
SUBSETS = 'projects/nw_ucla_semi/configs/nw_ucla_label_subsets.json'
PASSES_PER_EPOCH = 5
FINETUNE_EPOCHS = 13
#: a classification cell of a finetuned encoder: finetune_<variant>_e<epoch>
FINETUNE_CELL = re.compile(r'finetune_(.+)_e(\d+)')


def repo_path(path: str) -> str:
    """A path of the repository, relative to the working directory (the
    repository root when run as ``python -m``)."""
    return osp.relpath(osp.join(ROOT, path))


@dataclass
class Step:
    """One run of the study.

    Args:
        name (str): Its work-dir name.
        run (TrainRun): What :func:`aqa_mm.engine.launcher.launch` runs.
        encoder (str, optional): The pretraining checkpoint it finetunes
            from. Defaults to None.
    """
    name: str
    run: TrainRun
    encoder: Optional[str] = None


def data_options(ann_file: str) -> dict:
    """Config overrides of a classification run: the annotation file.

    Args:
        ann_file (str): NW-UCLA pkl.

    Returns:
        dict: The overrides.
    """
    return {'train_dataloader.dataset.dataset.ann_file': ann_file,
            'val_dataloader.dataset.ann_file': ann_file,
            'test_dataloader.dataset.ann_file': ann_file}


def subset_of(fraction: int, seed: int) -> dict:
    """The launcher's ``subsets`` of a run on a labelled subset: its
    repeated training dataset wrapped in ``SubsetDataset`` (none at 100 %).

    Args:
        fraction (int): Labelled percentage.
        seed (int): The subset draw.

    Returns:
        dict: Dataset key -> ``SubsetDataset`` arguments.
    """
    if fraction >= 100:
        return {}
    return {'train_dataloader.dataset.dataset': dict(
        label_subset_file=repo_path(SUBSETS),
        label_subset=subset_key(fraction / 100, seed))}


def pretrain_step(variant: str, args: argparse.Namespace) -> Step:
    """The pretraining of a variant, cut at ``args.pretrain_epochs``.

    Args:
        variant (str): Key of :data:`VARIANTS`.
        args (argparse.Namespace): ``ann_file``, ``work_dir``,
            ``pretrain_epochs``, ``cfg_options``.

    Returns:
        Step: Not tested (there is no label-free test metric); its
        per-epoch representation evaluation reads ``args.ann_file`` too.
    """
    config = repo_path(VARIANTS[variant])
    options = {'train_dataloader.dataset.dataset.ann_file': args.ann_file,
               'train_cfg.max_epochs': args.pretrain_epochs,
               'default_hooks.checkpoint.max_keep_ckpts': -1}
    # the per-epoch kNN / probe evaluation reads the same annotation file
    hooks = load_config(config).get('custom_hooks', [])
    for i, hook in enumerate(hooks):
        if hook['type'] == 'RepresentationEvalHook':
            options.update({f'custom_hooks.{i}.{split}.ann_file': args.ann_file
                            for split in ('train_dataset', 'test_dataset')})
    return Step(f'pretrain_{variant}', TrainRun(
        config,
        osp.join(args.work_dir, f'pretrain_{variant}'),
        cfg_options=dict(options, **args.cfg_options), test=False))


def classification_steps(args: argparse.Namespace) -> List[Step]:
    """Finetuning and scratch runs, per fraction and seed.

    Args:
        args (argparse.Namespace): ``fractions``, ``seeds``,
            ``finetune_from`` (``(variant, epoch)`` pairs),
            ``finetune_config``, ``ann_file``, ``work_dir``, ``cfg_options``.

    Returns:
        list[Step]: Per fraction, per seed: the finetuned runs, then scratch.
        The seed is both the subset draw and the training seed.
    """
    steps = []
    for fraction in args.fractions:
        for seed in args.seeds:
            finetune = repo_path(FINETUNE_CONFIGS[args.finetune_config])
            opts = data_options(args.ann_file)
            subsets = subset_of(fraction, seed)
            for variant, epoch in args.finetune_from:
                name = f'finetune_{variant}_e{epoch}_p{fraction}_s{seed}'
                ckpt = osp.join(args.work_dir, f'pretrain_{variant}',
                                f'epoch_{epoch}.pth')
                steps.append(Step(name, TrainRun(
                    finetune, osp.join(args.work_dir, name), seed=seed,
                    cfg_options=dict(
                        opts, **{'model.backbone.init_cfg.checkpoint': ckpt},
                        **args.cfg_options), subsets=subsets), encoder=ckpt))
            name = f'scratch_p{fraction}_s{seed}'
            steps.append(Step(name, TrainRun(
                repo_path(SCRATCH), osp.join(args.work_dir, name), seed=seed,
                cfg_options=dict(opts, **args.cfg_options), subsets=subsets)))
    return steps


def build_plan(args: argparse.Namespace) -> List[Step]:
    """Every step, pretraining first; ``args.only`` keeps one lane and
    ``args.steps`` names the steps to run, in that order.

    Raises:
        SystemExit: Naming a step of ``args.steps`` the plan does not have.
    """
    pre = [pretrain_step(v, args) for v in args.variants]
    cls = classification_steps(args)
    steps = {'pretrain': pre, 'classification': cls}.get(args.only,
                                                         pre + cls)
    if args.steps:
        known = {s.name: s for s in pre + cls}
        unknown = [s for s in args.steps if s not in known]
        if unknown:
            raise SystemExit(f'--steps: unknown {unknown}; the plan has '
                             f'{sorted(known)}')
        steps = [known[s] for s in args.steps]
    return steps


def encoder_ready(checkpoint: str) -> bool:
    """Whether a pretraining checkpoint exists and is complete (its run's
    ``last_checkpoint`` names it or a later epoch)."""
    marker = osp.join(osp.dirname(checkpoint), 'last_checkpoint')
    if not (osp.isfile(checkpoint) and osp.isfile(marker)):
        return False
    with open(marker, encoding='utf-8') as f:
        last = re.search(r'epoch_(\d+)\.pth', f.read())
    wanted = re.search(r'epoch_(\d+)\.pth', checkpoint)
    return bool(last and wanted and int(last[1]) >= int(wanted[1]))


def finished_epochs(step: Step) -> Optional[int]:
    """The epochs a finished pretraining step was trained to, when fewer
    than it now asks for (it then continues); None otherwise."""
    done = read_launch_result(step.run.work_dir)
    if done is None or not step.name.startswith('pretrain_'):
        return None
    wanted = int(step.run.cfg_options['train_cfg.max_epochs'])
    trained = int(done['cfg_options'].get('train_cfg.max_epochs', wanted))
    return trained if trained < wanted else None


def step_state(step: Step) -> str:
    """``'done'``, ``'continues'`` (a pretraining to more epochs),
    ``'resumes'`` (killed part way), ``'waits for its encoder'`` or
    ``'to run'``."""
    if finished_epochs(step) is not None:
        return 'continues'
    if read_launch_result(step.run.work_dir) is not None:
        return 'done'
    if osp.isfile(osp.join(step.run.work_dir, 'last_checkpoint')):
        return 'resumes'
    if step.encoder and not encoder_ready(step.encoder):
        return 'waits for its encoder'
    return 'to run'
