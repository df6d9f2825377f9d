"""The demo video's caption: scores, the chosen stream, a warning line."""
import numpy as np

from aqa_mm.apis.annotated_video import caption_lines, draw_caption


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
