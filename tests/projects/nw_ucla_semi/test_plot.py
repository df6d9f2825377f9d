"""projects/nw_ucla_semi/plot.py: the study's curve redrawn from a report
JSON alone, with its lines labelled for what they are."""
import json

import pytest

from projects.nw_ucla_semi import plot


def _cell(mean, n=2):
    return dict(mean=mean, std=1.0, n=n)


def _report():
    frozen = {f: dict(knn=_cell(40.0, 1), probe=_cell(50.0, 1))
              for f in ('100', '10')}
    return dict(
        fractions=[10],
        curves=dict(faithful=[dict(epoch=e, passes=5 * e, frozen=frozen)
                              for e in (0, 1)]),
        classification={'10': dict(scratch=_cell(61.0),
                                   finetune_faithful_e1=_cell(70.0, 3))})


def test_legend_names_scratch_and_finetuned_lines():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    plot._plot_finetuned(ax, _report(), '10')
    labels = ax.get_legend_handles_labels()[1]
    plt.close(fig)
    assert labels == ['scratch (n=2)', 'faithful + finetune (n=3)']


def test_redraws_from_json(tmp_path, capsys):
    src = tmp_path / 'report.json'
    src.write_text(json.dumps(_report()))
    out = tmp_path / 'curve.png'
    plot.main([str(src), '--out', str(out)])
    assert out.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert f'wrote {out}' in capsys.readouterr().out


def test_names_a_file_that_is_not_a_report(tmp_path, capsys):
    src = tmp_path / 'other.json'
    src.write_text(json.dumps(dict(curves={})))
    with pytest.raises(SystemExit):
        plot.main([str(src), '--out', str(tmp_path / 'x.png')])
    err = capsys.readouterr().err
    assert str(src) in err and 'classification' in err
