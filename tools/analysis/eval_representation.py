"""kNN and linear-probe top-1 of saved pretraining checkpoints, post hoc.

    python tools/analysis/eval_representation.py CONFIG CKPT [CKPT ...]
        [--out results.json] [--train-split S] [--test-split S]
        [--batch-size 32] [--no-probe] [--cfg-options k=v ...]

The evaluation of ``RepresentationEvalHook`` (same datasets, k, T and
probe, read from the config's ``custom_hooks`` entry) on checkpoints that
exist already, e.g. the ``epoch_N.pth`` of a run that started before the
hook was added. The model is built from the (pretraining) config; only the
backbone's weights are loaded, strictly, by
:func:`aqa_mm.models.utils.load_backbone_weights` (``backbone.*``, or
``encoder.*`` in older pretraining checkpoints).
One line per checkpoint; ``--out`` is rewritten atomically after each.
Work is done by ``RepresentationEvalHook.evaluate`` and
:mod:`aqa_mm.evaluation.representation_eval`.
"""
import argparse
import json
import os.path as osp
import time
from typing import Optional, Sequence

from aqa_mm.utils.cli import add_cfg_options_arg, friendly_errors

HOOK = 'RepresentationEvalHook'


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(
        description='kNN / linear-probe top-1 of backbone checkpoints')
    parser.add_argument('config', help=f'config with a {HOOK} custom hook')
    parser.add_argument('checkpoints', nargs='+', help='checkpoints (.pth)')
    parser.add_argument('--out', help='write the results here (.json)')
    parser.add_argument('--train-split', help="override the hook's "
                        'reference (train) dataset split')
    parser.add_argument('--test-split',
                        help="override the hook's test dataset split")
    parser.add_argument('--batch-size', type=int, help='loader batch size')
    parser.add_argument('--no-probe', action='store_true',
                        help='kNN only, skip the linear probe')
    add_cfg_options_arg(parser)
    return parser.parse_args(argv)


def hook_config(cfg, args: argparse.Namespace) -> dict:
    """The config's RepresentationEvalHook entry with the flags merged.

    Args:
        cfg (Config): The loaded config.
        args (argparse.Namespace): Parsed flags (splits, batch size, probe).

    Returns:
        dict: The hook config, ready for ``HOOKS.build``.
    """
    from aqa_mm.utils import UserError
    found = [h for h in cfg.get('custom_hooks') or [] if h.get('type') == HOOK]
    if not found:
        raise UserError(f'{args.config}: no {HOOK} in custom_hooks (see '
                        'configs/sme_gcn/transfer/nw_ucla_xview_pretrain.py)')
    hook_cfg = found[-1].to_dict()
    for key, split in (('train_dataset', args.train_split),
                       ('test_dataset', args.test_split)):
        if split:
            hook_cfg[key]['split'] = split
    if args.batch_size:
        hook_cfg['batch_size'] = args.batch_size
    if args.no_probe:
        hook_cfg['probe'] = False
    return hook_cfg


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Evaluate every checkpoint, print one line each, write ``--out``."""
    args = parse_args(argv)
    with friendly_errors('eval_representation.py'):
        from aqa_mm.models.utils.backbone_weights import (
            backbone_of, load_backbone_weights)
        from aqa_mm.registry import HOOKS, MODELS
        from aqa_mm.utils import (atomic_write_text, load_config,
                                  merge_cfg_options, register_all_modules)
        missing = [p for p in args.checkpoints if not osp.isfile(p)]
        if missing:
            raise FileNotFoundError(f'checkpoint(s) not found: {missing}')
        register_all_modules()
        cfg = load_config(args.config)
        merge_cfg_options(cfg, args.cfg_options)
        hook = HOOKS.build(hook_config(cfg, args))
        model = MODELS.build(cfg.model)
        backbone = backbone_of(model)[1]
        report = dict(config=args.config, k=hook.k,
                      temperature=hook.temperature, results=[])
        for path in args.checkpoints:
            meta = load_backbone_weights(backbone, path)
            start = time.perf_counter()
            result = hook.evaluate(model)    # the hook's own evaluation
            result.update(checkpoint=path, epoch=meta.get('epoch'),
                          seconds=round(time.perf_counter() - start, 1))
            report['results'].append(result)
            probe = (f'  probe top-1 {result["probe_top1"]:6.2f} %'
                     if 'probe_top1' in result else '')
            print(f'{path} (epoch {result["epoch"]}): kNN top-1 '
                  f'{result["knn_top1"]:6.2f} %{probe}  '
                  f'[{result["num_train"]} ref / {result["num_test"]} test,'
                  f' {result["seconds"]} s]', flush=True)
            if args.out:
                atomic_write_text(json.dumps(report, indent=2) + '\n',
                                  args.out)
    if args.out:
        print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
