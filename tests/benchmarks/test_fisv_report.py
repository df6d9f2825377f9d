"""benchmarks/fisv_report.py: seed statistics per epoch, the plot, and the
TensorBoard reference reader."""
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location(
    'fisv_report', ROOT / 'benchmarks' / 'fisv_report.py')
fisv_report = importlib.util.module_from_spec(_SPEC)
sys.modules['fisv_report'] = fisv_report
_SPEC.loader.exec_module(fisv_report)


def _results():
    # seed 1 stopped after epoch 2 (a run still going); keys as in the JSON
    return {
        'gdlt/tes/e3/seed0': dict(head='gdlt', score='tes', epochs=3, seed=0,
                                  curve={'1': 0.1, '2': 0.3, '3': 0.5}),
        'gdlt/tes/e3/seed1': dict(head='gdlt', score='tes', epochs=3, seed=1,
                                  curve={1: 0.3, 2: 0.5}),
        'meanfc/pcs/e2/seed0': dict(head='meanfc', score='pcs', epochs=2,
                                    seed=0, curve={'1': 0.6, '2': 0.7}),
    }


def test_group_curves_mean_and_range_over_the_seeds_of_each_epoch():
    curves = fisv_report.group_curves(_results())
    assert set(curves) == {('gdlt', 'tes', 3), ('meanfc', 'pcs', 2)}
    tes = curves[('gdlt', 'tes', 3)]
    np.testing.assert_array_equal(tes['epoch'], [1, 2, 3])
    np.testing.assert_allclose(tes['mean'], [0.2, 0.4, 0.5])
    np.testing.assert_allclose(tes['low'], [0.1, 0.3, 0.5])
    np.testing.assert_allclose(tes['high'], [0.3, 0.5, 0.5])
    assert tes['seeds'] == [0, 1]


def test_plot_is_written_whole_and_empty_input_draws_nothing(tmp_path):
    path = tmp_path / 'img' / 'curves.png'
    reference = {'tes': ('official', {0: 0.2, 1: 0.4})}
    assert fisv_report.plot_curves(_results(), str(path), reference)
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert list(path.parent.iterdir()) == [path]   # no temporary left
    assert not fisv_report.plot_curves({}, str(tmp_path / 'none.png'))
    assert not (tmp_path / 'none.png').exists()


def test_event_scalar_is_read_back_and_a_missing_tag_is_named(tmp_path):
    from torch.utils.tensorboard import SummaryWriter
    writer = SummaryWriter(str(tmp_path))
    for step, value in enumerate((0.25, 0.5, 0.75)):
        writer.add_scalar('Test_coef', value, step)
    writer.close()
    assert fisv_report.read_event_scalar(str(tmp_path), 'Test_coef') == {
        0: 0.25, 1: 0.5, 2: 0.75}
    with pytest.raises(KeyError, match="no scalar 'coef'.*Test_coef"):
        fisv_report.read_event_scalar(str(tmp_path), 'coef')
    with pytest.raises(FileNotFoundError, match='missing'):
        fisv_report.read_event_scalar(str(tmp_path / 'missing'), 'x')
