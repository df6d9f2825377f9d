"""An unusable work_dir stops tools/train.py before the model or data are
built (aqa_mm.utils.check_work_dir). The full-disk branch (free space below
100 MiB) is tested in tests/utils/test_setup_env.py::test_full_disk."""
import pytest

from .conftest import run_tool, write_tiny_config


@pytest.mark.slow
def test_unwritable_work_dir_fails_before_training(tmp_path, tiny_ann):
    config = write_tiny_config(tmp_path, tiny_ann)
    blocker = tmp_path / 'a_file'
    blocker.write_text('x')  # a directory cannot be created below a file
    proc = run_tool(['tools/train.py', config, '--work-dir',
                     str(blocker / 'work')])
    assert proc.returncode == 2, proc.stderr[-2000:]
    errors = [ln for ln in proc.stderr.splitlines()
              if ln.startswith('train.py: error: work_dir')]
    assert len(errors) == 1 and 'a_file/work' in errors[0] \
        and 'is not writable' in errors[0], proc.stderr[-2000:]
    assert 'Epoch(train)' not in proc.stdout + proc.stderr
    assert 'Traceback' not in proc.stderr
