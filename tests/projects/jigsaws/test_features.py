"""The 29 summary statistics on trajectories with known answers."""
import numpy as np
import pytest

from projects.jigsaws.features import feature_names, summary_statistics


def test_straight_line_and_gripper():
    t = 31
    kin = np.zeros((t, 4, 19))
    kin[:, 2, 0] = np.arange(t) * 0.01  # patient left: 1 cm per frame in x
    kin[:, 3, 18] = np.tile([0.0, 1.0], t)[:t]  # patient right: open/close
    kin[:, 0, 15:18] = [0.0, 3.0, 4.0]  # master left: |omega| = 5
    stats = dict(zip(feature_names(), summary_statistics(kin)))
    assert len(stats) == 29
    assert stats['duration'] == pytest.approx(t / 30)
    assert stats['patient_left/path_length'] == pytest.approx(0.3)
    assert stats['patient_left/speed_mean'] == pytest.approx(0.3)  # m/s
    assert stats['patient_left/speed_std'] == pytest.approx(0.0, abs=1e-12)
    assert stats['patient_left/accel_mean'] == pytest.approx(0.0, abs=1e-9)
    assert stats['patient_right/gripper_travel'] == pytest.approx(t - 1)
    assert stats['patient_right/gripper_std'] == pytest.approx(0.5, abs=0.01)
    assert stats['master_left/rot_speed_mean'] == pytest.approx(5.0)
    assert stats['master_right/path_length'] == 0.0


def test_constant_acceleration():
    t = np.arange(10) / 30.0
    kin = np.zeros((10, 4, 19))
    kin[:, 1, 1] = 0.5 * 2.0 * t**2  # y = a t^2 / 2, a = 2 m/s^2
    stats = dict(zip(feature_names(), summary_statistics(kin)))
    assert stats['master_right/accel_mean'] == pytest.approx(2.0)


def test_bad_shape_named():
    with pytest.raises(ValueError, match=r'\(T >= 3, 4, 19\)'):
        summary_statistics(np.zeros((2, 4, 19)))
