import matplotlib.image as mpimg
import pytest

from aqa_mm.analysis.dump_reader import column
from aqa_mm.analysis.scatter import panel_specs, plot_scatter
from aqa_mm.evaluation.functional import spearman
from .synthetic_dumps import single_stream_records, two_stream_records


def test_two_stream_dump_gives_three_panels(tmp_path):
    records = two_stream_records()
    out = tmp_path / 'sub' / 'scatter.png'
    panels = plot_scatter([records], str(out))
    assert [p['stream'] for p in panels] == ['skeleton', 'RGB', 'fused']
    gt = column(records, 'gt_score')
    assert panels[2]['rho'] == pytest.approx(
        spearman(column(records, 'pred_aqa_score'), gt))
    image = mpimg.imread(str(out))
    assert image.shape[1] > 2.5 * image.shape[0]  # three panels side by side
    assert not list(out.parent.glob('.*.tmp'))


def test_single_stream_and_several_rows(tmp_path):
    assert panel_specs(single_stream_records()) == [
        ('pred_aqa_score', 'prediction')]
    out = tmp_path / 'rows.png'
    panels = plot_scatter([two_stream_records(), single_stream_records()],
                          str(out), row_names=['2maf', 'stgcn'])
    assert [(p['row'], p['stream']) for p in panels] == [
        (0, 'skeleton'), (0, 'RGB'), (0, 'fused'), (1, 'prediction')]
    assert out.stat().st_size > 10_000


def test_row_names_must_match(tmp_path):
    with pytest.raises(ValueError, match='2 row names for 1 dumps'):
        plot_scatter([two_stream_records()], str(tmp_path / 'x.png'),
                     row_names=['a', 'b'])


def test_concat_stream_gets_a_panel():
    records = [dict(r, pred_score_concat=r['gt_score'])
               for r in two_stream_records()]
    assert [name for _, name in panel_specs(records)] == [
        'skeleton', 'RGB', 'concat', 'fused']
