"""projects/fisv report.py and curves.py: mean ± sample std per head x
schedule, the README's table rebuilt from the carried results, seed
statistics per epoch, the plot, and the TensorBoard reference reader."""
import json
from pathlib import Path

import numpy as np
import pytest

from projects.fisv import curves
from projects.fisv import report

HERE = Path(report.__file__).parent


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
    grouped = curves.group_curves(_results())
    assert set(grouped) == {('gdlt', 'tes', 3), ('meanfc', 'pcs', 2)}
    tes = grouped[('gdlt', 'tes', 3)]
    np.testing.assert_array_equal(tes['epoch'], [1, 2, 3])
    np.testing.assert_allclose(tes['mean'], [0.2, 0.4, 0.5])
    np.testing.assert_allclose(tes['low'], [0.1, 0.3, 0.5])
    np.testing.assert_allclose(tes['high'], [0.3, 0.5, 0.5])
    assert tes['seeds'] == [0, 1]


def test_plot_is_written_whole_and_empty_input_draws_nothing(tmp_path):
    path = tmp_path / 'img' / 'curves.png'
    reference = {'tes': ('official', {0: 0.2, 1: 0.4})}
    assert curves.plot_curves(_results(), str(path), reference)
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert list(path.parent.iterdir()) == [path]   # no temporary left
    assert not curves.plot_curves({}, str(tmp_path / 'none.png'))
    assert not (tmp_path / 'none.png').exists()


def test_event_scalar_is_read_back_and_a_missing_tag_is_named(tmp_path):
    from torch.utils.tensorboard import SummaryWriter
    writer = SummaryWriter(str(tmp_path))
    for step, value in enumerate((0.25, 0.5, 0.75)):
        writer.add_scalar('Test_coef', value, step)
    writer.close()
    assert curves.read_event_scalar(str(tmp_path), 'Test_coef') == {
        0: 0.25, 1: 0.5, 2: 0.75}
    with pytest.raises(KeyError, match="no scalar 'coef'.*Test_coef"):
        curves.read_event_scalar(str(tmp_path), 'coef')
    with pytest.raises(FileNotFoundError, match='missing'):
        curves.read_event_scalar(str(tmp_path / 'missing'), 'x')


def test_summary_is_mean_and_sample_std():
    results = {f'gdlt/tes/e5/seed{i}': dict(
        head='gdlt', score='tes', epochs=5, seed=i, last=v, best_on_test=b,
        minutes=1.0) for i, (v, b) in enumerate([(0.5, 0.6), (0.7, 0.8)])}
    row, = report.summarize(results)
    assert row['last']['mean'] == pytest.approx(0.6)
    assert row['last']['std'] == pytest.approx(np.std([0.5, 0.7], ddof=1))
    assert row['best_on_test']['mean'] == pytest.approx(0.7)
    assert row['seeds'] == [0, 1]
    assert '| GDLT (ours) | cut to 5 epochs | 0.600 ± 0.141 (n=2) | – |' \
        in report.table([row])


def test_carried_results_rebuild_the_readme_table(capsys):
    report.main([])
    table = capsys.readouterr().out
    readme = (HERE / 'README.md').read_text(encoding='utf-8')
    rows = [line for line in table.splitlines() if line.startswith('| ')]
    assert len(rows) == 4
    for row in rows:
        assert row in readme, row
    carried = json.loads((HERE / 'results' / 'fisv.json').read_text())
    assert len(carried['results']) == 18
    gdlt_tes = [r['last'] for r in carried['results'].values()
                if (r['head'], r['score'], r['epochs']) == ('gdlt', 'tes',
                                                             320)]
    assert np.mean(gdlt_tes) == pytest.approx(0.6355, abs=1e-4)
    assert carried['summary'] == json.loads(json.dumps(
        report.summarize(carried['results'])))
