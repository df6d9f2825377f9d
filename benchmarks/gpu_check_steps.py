"""The steps of benchmarks/gpu_check.py: which commands each runs, at the
GPU's short settings or the dry run's tiny CPU ones.

:func:`build_steps` gives, for a :class:`Plan`, step name -> commands; the
benchmarks write their JSON into the plan's work folder (``Command.out``),
the trainings their work_dirs (named like the commands).
"""
import dataclasses
import os
import sys
from pathlib import Path
from typing import Dict, List, Optional

STEPS = ('tests', 'encoder', 'i3d', '2maf', 'pose', 'train')
TESTS = ('tests/models/backbones/test_smegcn.py',
         'tests/models/assessors/test_sme_pretrainer.py',
         'tests/models/data_preprocessors/'
         'test_multi_input_data_preprocessor.py',
         'tests/benchmarks/test_bench_i3d_inference.py')
PRETRAIN = 'configs/sme_gcn/pretrain_synthetic.py'
FINETUNE = 'configs/sme_gcn/finetune_synthetic.py'
VIDEO = os.path.join('videos', 'demo_skeleton.mp4')  # under $AQA_DATA_DIR


@dataclasses.dataclass
class Command:
    """One process of a step; ``out``: the JSON it writes, if any."""
    label: str
    argv: List[str]
    env: Dict[str, str] = dataclasses.field(default_factory=dict)
    out: Optional[Path] = None
    skip: Optional[str] = None  # why it does not run


@dataclasses.dataclass
class Plan:
    """Where and how big: ``tiny`` is the dry run's CPU size."""
    work: Path
    device: str
    tiny: bool
    epochs: int

    def shown(self, arg: str) -> str:
        """How a results JSON shows a command's argument: ``python`` for
        this interpreter, ``WORK`` for the work folder."""
        if arg == sys.executable:
            return 'python'
        return arg.replace(str(self.work), 'WORK')

    def bench(self, label: str, script: str, *args: str) -> Command:
        """``benchmarks/<script>.py`` on the device, JSON into the work."""
        out = self.work / f'{label}.json'
        threads = ['--threads', '1'] if self.tiny else []
        return Command(label, [sys.executable, f'benchmarks/{script}.py',
                               '--device', self.device, *args, *threads,
                               '--out', str(out)], out=out)


def bench_steps(plan: Plan) -> Dict[str, List[Command]]:
    """The benchmark steps at short settings (tiny ones in the dry run)."""
    tiny = plan.tiny
    encoder = (['--batch', '2', '--frames', '8', '--repeats', '1',
                '--steps', '1'] if tiny else
               ['--batch', '64', '--repeats', '5', '--steps', '10'])
    i3d = (['--frames', '8', '--size', '32', '--batch', '1', '--repeats',
            '1', '--steps', '1'] if tiny else ['--repeats', '5'])
    two_maf = (['--clips', '1', '--size', '32', '--frames', '16',
                '--train-batch', '2', '--train-clips', '1', '--repeats', '1',
                '--cached-steps', '2'] if tiny else ['--repeats', '5'])
    data = os.environ.get('AQA_DATA_DIR')
    video = os.path.join(data, VIDEO) if data else None
    pose = plan.bench('pose', 'bench_pose_extraction', '--video', str(video),
                      '--repeats', '1' if tiny else '3', *(
                          ['--frames', '2'] if tiny else []))
    if not (video and os.path.isfile(video)):
        pose.skip = f'no video at $AQA_DATA_DIR/{VIDEO}'
    return dict(
        tests=[Command('pytest', [
            sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
            *TESTS, *(['--collect-only'] if tiny else [])],
            dict(AQA_TEST_DEVICE=plan.device))],
        encoder=[plan.bench('encoder', 'bench_encoder_throughput', '--amp',
                            *encoder),
                 plan.bench('encoder_pretrain', 'bench_encoder_throughput',
                            '--mode', 'pretrain', '--amp', *encoder)],
        i3d=[plan.bench('i3d', 'bench_i3d_inference', '--amp', *i3d)],
        **{'2maf': [plan.bench('2maf', 'bench_2maf', '--amp', *two_maf)]},
        pose=[pose])


def train_commands(plan: Plan) -> List[Command]:
    """The synthetic set, then SME-GCN pretraining and finetuning."""
    syn, tiny, epochs = plan.work / 'synthetic', plan.tiny, plan.epochs
    ann = syn / 'synthetic_aqa.pkl'
    commands = [Command('data', [
        sys.executable, 'tools/data/synthetic/generate_synthetic.py',
        '--out-dir', str(syn), '--no-video',
        *(['--num-per-class', '8', '--workers', '1'] if tiny else [])])]
    loader = [f'train_dataloader.dataset.ann_file={ann}',
              f'train_cfg.max_epochs={epochs}',
              'default_hooks.logger.interval=1',
              f'train_dataloader.num_workers={0 if tiny else 4}',
              f'train_dataloader.persistent_workers={not tiny}']
    if tiny:  # 30 training samples: a batch of 32 would drop them all
        loader.append('train_dataloader.batch_size=8')
    for precision in ('fp32', 'amp'):
        skip = '--amp needs CUDA' if (
            precision == 'amp' and plan.device == 'cpu') else None
        amp = ['--amp'] if precision == 'amp' else []
        pretrain = plan.work / f'pretrain_{precision}'
        commands.append(Command(pretrain.name, [
            sys.executable, 'tools/train.py', PRETRAIN, '--work-dir',
            str(pretrain), *amp, '--cfg-options', *loader], skip=skip))
        commands.append(Command(f'finetune_{precision}', [
            sys.executable, 'tools/train.py', FINETUNE, '--work-dir',
            str(plan.work / f'finetune_{precision}'), *amp, '--cfg-options',
            *loader, f'val_dataloader.dataset.ann_file={ann}',
            f'test_dataloader.dataset.ann_file={ann}',
            f'train_cfg.val_interval={epochs}',
            'model.backbone.init_cfg.checkpoint='
            f'{pretrain / f"epoch_{epochs}.pth"}'], skip=skip))
    return commands


def build_steps(plan: Plan) -> Dict[str, List[Command]]:
    """Every step's commands, in :data:`STEPS` order."""
    return dict(bench_steps(plan), train=train_commands(plan))
