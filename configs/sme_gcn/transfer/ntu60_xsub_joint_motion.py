# NTU-60 X-sub, joint-motion stream (GenSkeFeat feats=['jm']). Fuse the
# four streams' tools/test.py --dump files with tools/analysis/fuse_scores.py.
_base_ = ['../../_base_/default_runtime.py', './_base_/ntu60_xsub.py']

feats = ['jm']
train_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=feats),
    dict(type='UniformSampleFrames', clip_len={{_base_.clip_len}}),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs')
]
# 10 clips per sequence, scores averaged (mmaction2's NTU test protocol)
test_pipeline = [
    dict(type='PreNormalize3D'),
    dict(type='GenSkeFeat', dataset='nturgb+d', feats=feats),
    dict(type='UniformSampleFrames', clip_len={{_base_.clip_len}},
         num_clips=10, test_mode=True),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs', meta_keys=('frame_dir', ))  # fusion key
]
train_dataloader = dict(dataset=dict(dataset=dict(pipeline=train_pipeline)))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
