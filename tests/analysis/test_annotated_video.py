"""The demo video's caption: scores, the chosen stream, a warning line."""
import numpy as np
import pytest

from aqa_mm.analysis.annotated_video import (caption_lines, caption_scale,
                                         draw_caption)


def test_caption_lines_with_and_without_warnings():
    result = dict(score=71.2, stream='skeleton', prob_rgb=0.21,
                  stream_scores=dict(skeleton=71.2, rgb=40.1))
    lines = caption_lines(result)
    assert lines == ['score 71.20 (skeleton, p(rgb) 0.21)',
                     'skeleton: 71.20 *', 'rgb: 40.10']
    lines = caption_lines(dict(result, warnings=['a', 'b']))
    assert lines[-1].startswith('WARNING: 2 reasons not to trust')
    assert caption_lines(dict(result, warnings=['a']))[-1].startswith(
        'WARNING: 1 reason not')


def test_draw_caption_draws_on_a_copy():
    frame = np.zeros((720, 1280, 3), np.uint8)
    canvas = draw_caption(frame, ['score 1.00'])
    assert frame.max() == 0 and canvas[:60, :300].max() == 255


@pytest.mark.parametrize('shape', [(240, 320), (720, 1280), (1080, 1920)])
def test_caption_fits_the_frame(shape):
    """The text scales with the frame and stays inside 60 % of its width
    and 30 % of its height (a 320 x 240 frame keeps its picture)."""
    lines = ['score 61.46 (skeleton, p(rgb) 0.31)', 'skeleton: 61.46 *',
             'rgb: 58.02', 'WARNING: 3 reasons not to trust this score '
             '(see the JSON / console)']
    frame = np.zeros(shape + (3,), np.uint8)
    canvas = draw_caption(frame, lines)
    ys, xs = np.nonzero(canvas.max(-1) > 128)  # the white text
    assert xs.max() < 0.6 * shape[1] + 8 and ys.max() < 0.3 * shape[0] + 8
    scale, step = caption_scale(lines, shape)
    assert scale <= shape[0] / 720 and step >= 1
