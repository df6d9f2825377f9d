import shutil
from collections import namedtuple

import pytest

from aqa_mm.utils import UserError, check_work_dir


def test_writable_work_dir_is_created(tmp_path):
    check_work_dir(str(tmp_path / 'a' / 'b'))
    assert (tmp_path / 'a' / 'b').is_dir()


def test_unwritable_work_dir(tmp_path):
    blocker = tmp_path / 'file'
    blocker.write_text('x')
    with pytest.raises(UserError, match='not writable'):
        check_work_dir(str(blocker / 'work'))


def test_full_disk(tmp_path, monkeypatch):
    usage = namedtuple('usage', 'total used free')
    monkeypatch.setattr(shutil, 'disk_usage',
                        lambda p: usage(10 * 2**20, 10 * 2**20, 2**20))
    with pytest.raises(UserError, match='only 1 MiB free'):
        check_work_dir(str(tmp_path))
