"""PFMFallbackHook's decision rule."""
import numpy as np

from aqa_mm.engine.hooks.pfm_fallback_hook import fallback_decision


def records(selector_noise, seed=0, n=60):
    rng = np.random.default_rng(seed)
    gt = rng.uniform(0, 10, n)
    skel = gt + rng.normal(0, 0.5, n)
    rgb = gt + rng.normal(0, 3.0, n)
    choice = (rng.uniform(size=n) < selector_noise).astype(int)
    sel = np.where(choice == 1, rgb, skel)
    return [dict(gt=g, skeleton=s, rgb=r, selector=x, choice=c)
            for g, s, r, x, c in zip(gt, skel, rgb, sel, choice)]


def test_bad_selector_falls_back_to_the_better_stream():
    d = fallback_decision(records(selector_noise=0.6))
    assert d['fallback'] == 0
    assert d['rho_selector'] < d['rho_skeleton']


def test_selector_that_picks_the_better_stream_is_kept():
    d = fallback_decision(records(selector_noise=0.0))
    assert d['rho_selector'] == d['rho_skeleton']
    assert d['fallback'] == -1  # not worse: keep the selector
    assert 0 <= d['selector_accuracy'] <= 1
