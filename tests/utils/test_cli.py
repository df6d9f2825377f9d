"""One-line errors for user mistakes (aqa_mm/utils/cli.py)."""
import pytest
from mmengine.config import Config

from aqa_mm.utils import (UserError, friendly_errors, load_config,
                          merge_cfg_options, register_all_modules)
from aqa_mm.utils.cli import describe_error


def _cfg():
    return Config(dict(model=dict(backbone=dict(in_channels=3, depth=2)),
                       train_cfg=dict(max_epochs=5), lst=[dict(a=1)]))


def test_cfg_options_existing_keys_merge():
    cfg = _cfg()
    merge_cfg_options(cfg, {'train_cfg.max_epochs': 1, 'lst.0.a': 2})
    assert cfg.train_cfg.max_epochs == 1 and cfg.lst[0].a == 2


def test_cfg_options_typo_names_close_key():
    with pytest.raises(UserError, match='in_chanels.*did you mean '
                       'model.backbone.in_channels'):
        merge_cfg_options(_cfg(), {'model.backbone.in_chanels': 4})


def test_cfg_options_plus_adds_key_but_checks_parent():
    cfg = _cfg()
    merge_cfg_options(cfg, {'+model.backbone.new_arg': 1})
    assert cfg.model.backbone.new_arg == 1
    with pytest.raises(UserError, match='parent'):
        merge_cfg_options(cfg, {'+model.bakbone.x': 1})


def test_missing_config():
    with pytest.raises(UserError, match='config file not found: nope.py'):
        load_config('nope.py')


def test_unknown_registry_type_lists_close_names():
    register_all_modules()
    from mmaction.registry import MODELS
    with pytest.raises(KeyError) as info:
        MODELS.build(dict(type='STGCNN', graph_cfg=dict(layout='coco')))
    message = describe_error(info.value)
    assert "unknown type 'STGCNN'" in message and 'STGCN' in message


def test_aqa_component_suggested_from_child_names():
    register_all_modules()
    from mmaction.registry import METRICS
    with pytest.raises(KeyError) as info:
        METRICS.build(dict(type='SpearmanMetrc'))
    assert 'SpearmanMetric' in describe_error(info.value)


def test_friendly_errors_exits_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as info:
        with friendly_errors('tool.py'):
            raise UserError('bad thing')
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.strip() == 'tool.py: error: bad thing'


def test_real_bugs_are_not_hidden():
    with pytest.raises(ZeroDivisionError):
        with friendly_errors('tool.py'):
            1 / 0
    with pytest.raises(ValueError):
        with friendly_errors('tool.py'):
            raise ValueError('an internal error, not a user one')
