"""t-SNE of encoder features, coloured by class (paper Fig. 4).

    python tools/analysis/tsne.py CONFIG CHECKPOINT --out tsne.png
        [--split test] [--batch-size 16] [--perplexity P] [--seed 0]
        [--save-features feats.npz] [--cfg-options k=v ...]

Builds the model and the config's test loader on annotation split
``--split``, runs the encoder over it (progress bar), embeds the pooled
features with scikit-learn's t-SNE and plots them. Works with
SkeletonAssessor / RGBAssessor configs; an SMEPretrainer checkpoint goes
with the matching finetuning config (its ``encoder.*`` weights are loaded
into the backbone). Work is done by :mod:`aqa_mm.analysis.tsne`.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence

from aqa_mm.utils.cli import add_cfg_options_arg, friendly_errors


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    """Parse the command line (``argv`` defaults to ``sys.argv[1:]``)."""
    parser = argparse.ArgumentParser(description='t-SNE of encoder features')
    parser.add_argument('config', help='model config')
    parser.add_argument('checkpoint', help='checkpoint (.pth)')
    parser.add_argument('--out', required=True, help='output image (.png)')
    parser.add_argument('--split', default='test',
                        help='annotation split to embed (default: test)')
    parser.add_argument('--batch-size', type=int, help='loader batch size')
    parser.add_argument('--perplexity', type=float,
                        help='t-SNE perplexity (default: min(30, (N-1)/3))')
    parser.add_argument('--seed', type=int, default=0, help='t-SNE seed')
    parser.add_argument('--save-features',
                        help='also save features and embedding (.npz)')
    add_cfg_options_arg(parser)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Encode, embed and plot."""
    args = parse_args(argv)
    with friendly_errors('tsne.py'):
        from aqa_mm.analysis import tsne
        model, loader = tsne.build_model_and_loader(
            args.config, args.checkpoint, args.split, args.cfg_options,
            args.batch_size)
        result = tsne.extract_features(model, loader)
        embedding = tsne.embed_tsne(result['features'], args.perplexity,
                                    args.seed)
        n, c = result['features'].shape
        tsne.plot_embedding(
            embedding, result['labels'], args.out,
            f't-SNE of {type(model).__name__} encoder features\n'
            f'{osp.basename(args.checkpoint)}, split {args.split!r}, '
            f'N = {n}, C = {c}')
        if args.save_features:
            tsne.save_features(result, embedding, args.save_features)
    print(f'embedded {n} samples ({c}-d features); wrote {args.out}')


if __name__ == '__main__':
    main()
