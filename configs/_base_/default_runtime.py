# Runtime shared by every aqa_mm config. aqa_mm registers into mmaction2's
# registries, so the scope is 'mmaction' and the package is loaded through
# custom_imports: these configs also run under mmaction2's own tools.
default_scope = 'mmaction'
custom_imports = dict(imports=['aqa_mm'], allow_failed_imports=False)
# aqa_mm's runner (atomic checkpoints, weights-only resume under torch >= 2.6,
# the newest complete checkpoint on auto-resume), also under mmaction2's tools
runner_type = 'AQARunner'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # Keeps the last checkpoints for --resume. No save_best: the val split of
    # the AQA benchmarks is their test split, and picking the best epoch on it
    # would be reporting a test-set-selected result.
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'))

# EpochSeedHook: every epoch's randomness depends on (seed, epoch) only, so
# --resume after a crash replays the interrupted epoch exactly.
# NonFiniteLossHook: stop at the first NaN/inf loss, before a checkpoint.
custom_hooks = [dict(type='EpochSeedHook'), dict(type='NonFiniteLossHook')]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # NCCL on GPUs; tools/train.py switches to gloo when CUDA is absent.
    dist_cfg=dict(backend='nccl'))

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)

# Logging backends of mmengine's visualizer. LocalVisBackend writes
# <work_dir>/<timestamp>/vis_data/scalars.json (read by
# tools/analysis/summarize.py). TensorBoard (needs `pip install tensorboard`,
# listed in requirements/tests.txt), one line either way:
#   command line, TensorBoard instead of local:
#     --cfg-options visualizer.vis_backends.0.type=TensorboardVisBackend
#   config file, both:
#     visualizer = dict(vis_backends=[dict(type='LocalVisBackend'),
#                                     dict(type='TensorboardVisBackend')])
# Override visualizer.vis_backends: a top-level `vis_backends` variable would
# be ignored, because this dict is built when this file is read.
visualizer = dict(type='ActionVisualizer',
                  vis_backends=[dict(type='LocalVisBackend')])

log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, diff_rank_seed=False, deterministic=False)
