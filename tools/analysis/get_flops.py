"""Parameters and FLOPs of an assessor, per stream and in all (Table 10).

    python tools/analysis/get_flops.py CONFIG
        [--rgb-shape CLIPS T H W] [--skeleton-shape CLIPS M T V C]
        [--cfg-options ...] [--out-json FILE]

The default input is one video at the config's test-time shapes (e.g.
configs/2maf/2maf_aqa7.py: 10 clips x 16 frames x 224^2 and a 103-frame
skeleton). Counts are mmengine's FlopAnalyzer (one multiply-add = 1 FLOP).
Weights are not loaded (random init), so no checkpoint is needed.
"""
import argparse
import json
import sys
from typing import List, Optional

from aqa_mm.utils import (UserError, atomic_write_text, friendly_errors,
                          load_config, merge_cfg_options,
                          register_all_modules)
from aqa_mm.utils.cli import add_cfg_options_arg


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    p = argparse.ArgumentParser(description='Parameters and FLOPs per '
                                'stream and for the whole model')
    p.add_argument('config', help='model config')
    p.add_argument('--rgb-shape', type=int, nargs=4, default=None,
                   metavar=('CLIPS', 'T', 'H', 'W'),
                   help='RGB input of one video (default: the config)')
    p.add_argument('--skeleton-shape', type=int, nargs=5, default=None,
                   metavar=('CLIPS', 'M', 'T', 'V', 'C'),
                   help='skeleton input of one video (default: the config)')
    add_cfg_options_arg(p)
    p.add_argument('--out-json', default=None, help='also write the rows')
    return p.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Print (and optionally write) the parameter and FLOP rows; returns 0."""
    args = parse_args(argv)
    with friendly_errors('get_flops.py'):
        register_all_modules()
        from aqa_mm.analysis.flops import (complexity_table, default_shapes,
                                           model_complexity)
        from aqa_mm.registry import MODELS
        cfg = load_config(args.config)
        merge_cfg_options(cfg, args.cfg_options)
        explicit = {}
        if args.rgb_shape:
            clips, t, h, w = args.rgb_shape
            explicit['rgb'] = (clips, 3, t, h, w)
        if args.skeleton_shape:
            explicit['skeleton'] = tuple(args.skeleton_shape)
        try:
            shapes = default_shapes(cfg)
        except ValueError:
            if not explicit:
                raise UserError(f'{args.config}: no input shapes in the test '
                                'pipeline; give --rgb-shape and/or '
                                '--skeleton-shape')
            shapes = {}
        shapes.update(explicit)
        model = MODELS.build(cfg.model)
        rows = model_complexity(model, shapes)
    print(f'{args.config}: one video, ' + ', '.join(
        f'{s} {tuple(v)}' for s, v in shapes.items()))
    print(complexity_table(rows))
    if args.out_json:
        atomic_write_text(json.dumps(dict(config=args.config, shapes={
            s: list(v) for s, v in shapes.items()}, rows=rows), indent=2)
            + '\n', args.out_json)
    return 0


if __name__ == '__main__':
    sys.exit(main())
