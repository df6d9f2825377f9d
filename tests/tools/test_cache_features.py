"""tools/cache_features.py: resumable caching with reproducible untrained
weights, so a head trained on the cache fits the end-to-end model that
aqa_mm.apis.init_aqa_model rebuilds."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch

from aqa_mm.datasets.feature_cache import feature_filename, load_features

ROOT = Path(__file__).resolve().parents[2]
CONFIG = 'configs/2maf/2maf_synthetic.py'


def test_cache_is_reproducible_and_matches_init_aqa_model(tmp_path):
    from aqa_mm.apis import init_aqa_model
    from aqa_mm.datasets.synthetic.builder import build_dataset
    from mmengine.dataset import pseudo_collate

    from aqa_mm.registry import DATASETS, MODELS
    data = tmp_path / 'data'
    build_dataset(str(data), seed=3, num_per_class=2, frames=16, img_size=64,
                  workers=1)
    ann = data / 'synthetic_aqa.pkl'
    skel = MODELS.build(dict(type='SkeletonAssessor', backbone=dict(
        type='SMEGCN', base_channels=32, out_channels=128),
        head=dict(type='AQARegressionHead', in_channels=128)))
    ckpt = tmp_path / 'skeleton.pth'
    torch.save(dict(state_dict=skel.state_dict()), ckpt)
    opts = [f'test_dataloader.dataset.ann_file={ann}',
            f'test_dataloader.dataset.data_prefix.video={data}',
            f'model.skeleton_backbone.init_cfg.checkpoint={ckpt}']
    outs = []
    for run in ('a', 'b'):
        out = tmp_path / run
        proc = subprocess.run(
            [sys.executable, 'tools/cache_features.py', CONFIG, '--out-dir',
             str(out), '--splits', 'test', '--cfg-options', *opts],
            cwd=ROOT, capture_output=True, text=True, timeout=600,
            env=dict(os.environ, OMP_NUM_THREADS='1'))
        assert proc.returncode == 0, proc.stderr[-3000:]
        outs.append(out)
    manifest = json.loads((outs[0] / 'manifest.json').read_text())
    assert manifest['seed'] == 0 and manifest['splits']['test']['written']
    files = sorted(p.name for p in outs[0].glob('*.npz'))
    assert files and files == sorted(p.name for p in outs[1].glob('*.npz'))
    for name in files:
        a, b = load_features(str(outs[0] / name)), load_features(
            str(outs[1] / name))
        assert np.array_equal(a['rgb'], b['rgb'])
        assert np.array_equal(a['skeleton'], b['skeleton'])
    # the model init_aqa_model rebuilds computes the cached features
    model = init_aqa_model(CONFIG, cfg_options=dict(
        o.split('=', 1) for o in opts))
    ds_cfg = model.cfg.test_dataloader.dataset.copy()
    ds_cfg.update(split='test')
    dataset = DATASETS.build(ds_cfg)
    batch = model.data_preprocessor(pseudo_collate([dataset[0]]), False)
    # one thread, as the caching runs: another thread count sums in another
    # order (the random-weight skeleton features are ~700, so float32
    # rounding alone reached 2e-4 when an earlier test left 2 threads)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.no_grad():
            feats = model.extract_feat(batch['inputs'])
    finally:
        torch.set_num_threads(threads)
    name = feature_filename(batch['data_samples'][0].metainfo['frame_dir'])
    cached = load_features(str(outs[0] / name))
    for stream in ('rgb', 'skeleton'):
        # float32 rounding of the intermediate sums, not a different model:
        # other weights or inputs differ by the size of the values
        scale = np.abs(cached[stream]).max()
        np.testing.assert_allclose(feats[stream][0].numpy(), cached[stream],
                                   rtol=0, atol=1e-5 * scale, err_msg=stream)
