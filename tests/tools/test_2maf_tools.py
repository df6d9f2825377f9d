"""The 2M-AF command-line path on cached features: import features, cross-
fitted labels, train PFM (paper and safe variants), tools/test.py --dump,
then the analysis tools on the real 2M-AF dump."""
import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import matplotlib.image as mpimg
import numpy as np

from tests.conftest import make_annotations

ROOT = Path(__file__).resolve().parents[2]


def _run(args):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_cached_2maf_pipeline_from_the_command_line(tmp_path):
    content = make_annotations(num_train=30, num_test=10)
    ann = tmp_path / 'ann.pkl'
    ann.write_bytes(pickle.dumps(content))
    rng = np.random.default_rng(0)
    by_id = {a['frame_dir']: a for a in content['annotations']}
    feats = tmp_path / 'feats'
    for split in ('train', 'test'):
        ids = content['split'][split]
        y = np.array([by_id[i]['score'] for i in ids])
        # skeleton features carry the score, RGB features mostly noise
        skel = np.c_[y + rng.normal(0, 2, len(y)), rng.normal(size=(len(y),
                                                                    127))]
        rgb = rng.normal(size=(len(y), 1024))
        for name, arr in (('skeleton', skel), ('rgb', rgb)):
            np.save(tmp_path / f'{name}_{split}.npy', arr)
        _run(['tools/import_features.py', str(ann), '--split', split,
              '--out-dir', str(feats), '--feature',
              f'skeleton={tmp_path}/skeleton_{split}.npy', '--feature',
              f'rgb={tmp_path}/rgb_{split}.npy'])
    proc = _run(['tools/crossfit_preferences.py', str(ann), '--feature-dir',
                 str(feats), '--folds', '3'])
    assert 'oof_spearman_skeleton' in proc.stdout
    prefs = feats / 'preferences_k3_s0.pkl'
    assert len(pickle.loads(prefs.read_bytes())) == 30

    dumps = {}
    for variant in ('2maf_synthetic_cached', '2maf_synthetic_cached_safe'):
        cfg = f'configs/2maf/{variant}.py'
        # the safe variant wraps its training-split loaders in SubsetDataset
        inner = 'dataset.dataset' if variant.endswith('safe') else 'dataset'
        opts = [f'{loader}_dataloader.{ds}.{key}={value}'
                for loader, ds in (('train', inner), ('val', inner),
                                   ('test', 'dataset'))
                for key, value in (('ann_file', ann),
                                   ('data_prefix.feature', feats))]
        opts += ['train_cfg.max_epochs=4', 'train_cfg.val_interval=2',
                 'train_dataloader.batch_size=8']
        extra = ['default_hooks.checkpoint.interval=2']
        if variant.endswith('safe'):
            extra.append(f'train_dataloader.{inner}.pipeline.0.'
                         f'preference_file={prefs}')
        work = tmp_path / variant
        _run(['tools/train.py', cfg, '--work-dir', str(work),
              '--cfg-options', *opts, *extra])
        dumps[variant] = tmp_path / f'{variant}.pkl'
        _run(['tools/test.py', cfg, str(work / 'epoch_4.pth'), '--work-dir',
              str(work), '--dump', str(dumps[variant]), '--metrics-out',
              str(tmp_path / f'{variant}.json'), '--cfg-options', *opts,
              *extra])
        records = pickle.loads(dumps[variant].read_bytes())
        assert len(records) == 10
        assert {'pred_score_skeleton', 'pred_score_rgb', 'pred_stream',
                'pred_prob_rgb'} <= set(records[0])
        assert 'aqa/spearman' in json.loads(
            (tmp_path / f'{variant}.json').read_text())
    # train and test both log under the work_dir: the hook ran in training
    logs = [p.read_text() for p in
            (tmp_path / '2maf_synthetic_cached_safe').glob('*/*.log')]
    assert len(logs) == 2
    assert any('PFMFallbackHook: validation rho selector' in log
               for log in logs)

    out = tmp_path / 'scatter.png'
    proc = _run(['tools/analysis/plot_scatter.py', *map(str, dumps.values()),
                 '--out', str(out)])
    assert 'fused: rho =' in proc.stdout
    assert mpimg.imread(str(out)).shape[0] > 100
    proc = _run(['tools/analysis/pfm_report.py',
                 str(dumps['2maf_synthetic_cached'])])
    assert 'ρ oracle' in proc.stdout and 'all (pooled)' in proc.stdout
