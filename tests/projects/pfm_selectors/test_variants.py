"""projects/pfm_selectors/variants.py: every head's config exists and takes
the run's options as existing keys; preference labels and the carved
validation fold are found from the config itself."""
import argparse

import pytest
from mmengine.config import Config

from aqa_mm.utils.cli import merge_cfg_options
from projects.pfm_selectors import variants


def _args(tmp_path, **kw):
    args = dict(ann_file=str(tmp_path / 'ann.pkl'),
                features=str(tmp_path / 'feats'),
                work_dir=str(tmp_path / 'w'), variants=list(variants.VARIANTS),
                seeds=[0, 1])
    args.update(kw)
    return argparse.Namespace(**args)


@pytest.mark.parametrize('name', list(variants.VARIANTS))
def test_options_are_config_keys(name, tmp_path):
    run = variants.run_for(name, 1, _args(tmp_path))
    assert run.seed == 1 and run.work_dir == str(tmp_path / 'w' /
                                                 f'{name}_seed1')
    cfg = Config.fromfile(run.config)
    merge_cfg_options(cfg, run.cfg_options)     # unknown keys would raise
    for split in ('train', 'val', 'test'):
        _, dataset = variants.inner_dataset(cfg, f'{split}_dataloader')
        assert dataset.ann_file == str(tmp_path / 'ann.pkl')
        assert dataset.data_prefix.feature == str(tmp_path / 'feats')
    given = cfg.model.head.get('preference') == 'given'
    key, train = variants.inner_dataset(cfg, 'train_dataloader')
    assert (f'{key}.pipeline.0.preference_file' in run.cfg_options) == given
    if given:
        assert train.pipeline[0].preference_file == \
            str(tmp_path / 'feats' / variants.PREFERENCES)
    assert run.select == 'last' and run.validate == (name == 'safe')


def test_plan_covers_every_head_and_seed(tmp_path):
    runs = variants.plan_runs(_args(tmp_path, variants=['pfm', 'safe']))
    assert [(n, s) for n, s, _ in runs] == [('pfm', 0), ('pfm', 1),
                                            ('safe', 0), ('safe', 1)]
    assert variants.VARIANTS['safe'][0] == \
        'configs/2maf/2maf_synthetic_cached_safe.py'
    assert variants.rel(variants.ROOT + '/configs/x.py') == 'configs/x.py'
    assert variants.rel('/elsewhere/x.pkl') == 'x.pkl'


def test_a_wrapped_dataset_takes_the_files_inside():
    cfg = Config(dict(train_dataloader=dict(dataset=dict(
        type='SubsetDataset', holdout=dict(part='train'),
        dataset=dict(type='AQADataset', ann_file='a.pkl')))))
    key, inner = variants.inner_dataset(cfg, 'train_dataloader')
    assert key == 'train_dataloader.dataset.dataset'
    assert inner.ann_file == 'a.pkl'
