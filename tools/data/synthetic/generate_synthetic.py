"""Generate the built-in SYNTHETIC action-quality dataset.

    python tools/data/synthetic/generate_synthetic.py
        [--out-dir data/synthetic] [--seed 0] [--num-per-class 60]
        [--frames 64] [--img-size 128]
        [--no-video] [--test-ratio 0.25] [--fps 25] [--workers N]

All the work is done by :func:`aqa_mm.datasets.synthetic.build_dataset`;
this script only parses the command line. The data are procedural (stick
figures with simulated errors and judge scores), not real recordings.
"""
import argparse
import os

from aqa_mm.datasets.synthetic.builder import build_dataset


def parse_args() -> argparse.Namespace:
    """Parse the command line.

    Returns:
        argparse.Namespace: The arguments.
    """
    parser = argparse.ArgumentParser(
        description='Generate the SYNTHETIC procedural AQA dataset')
    parser.add_argument('--out-dir', default='data/synthetic',
                        help='output folder (default: data/synthetic)')
    parser.add_argument('--seed', type=int, default=0, help='random seed')
    parser.add_argument('--num-per-class', type=int, default=60,
                        help='samples per action class (default: 60)')
    parser.add_argument('--frames', type=int, default=64,
                        help='frames per sample (default: 64)')
    parser.add_argument('--img-size', type=int, default=128,
                        help='square video side in pixels (default: 128)')
    parser.add_argument('--no-video', action='store_true',
                        help='write poses and annotations only')
    parser.add_argument('--test-ratio', type=float, default=0.25,
                        help='test fraction of every class (default: 0.25)')
    parser.add_argument('--fps', type=int, default=25,
                        help='video frame rate (default: 25)')
    parser.add_argument('--workers', type=int,
                        default=min(2, os.cpu_count() or 1),
                        help='worker processes (default: min(2, CPUs))')
    return parser.parse_args()


def main() -> None:
    """Build the dataset and print a one-line summary."""
    args = parse_args()
    summary = build_dataset(
        args.out_dir, seed=args.seed, num_per_class=args.num_per_class,
        frames=args.frames, img_size=args.img_size,
        write_video=not args.no_video, test_ratio=args.test_ratio,
        fps=args.fps, workers=args.workers)
    print(f"SYNTHETIC AQA data: {summary['num_samples']} samples "
          f"({summary['num_classes']} classes, train {summary['num_train']}, "
          f"test {summary['num_test']}) -> {summary['out_dir']} "
          f"in {summary['seconds']:.1f}s")


if __name__ == '__main__':
    main()
