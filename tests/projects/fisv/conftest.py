"""A tiny Fis-V set imported as the study reads it (1024-d clip features,
``fisv_tes.pkl`` / ``fisv_pcs.pkl`` and ``features/``)."""
import pytest

from aqa_mm.datasets.feature_sequences import (import_feature_sequences,
                                               read_label_file)
from tests.datasets.fisv_fixture import make_fisv_raw

LENGTHS = (130, 3, 126, 9, 140, 2, 7, 128)   # around GDLT's 124-clip crop


@pytest.fixture(scope='package')
def fisv_root(tmp_path_factory):
    """The imported set's folder (5 training, 3 test programs)."""
    tmp = tmp_path_factory.mktemp('fisv')
    raw = make_fisv_raw(tmp / 'raw', channels=1024, lengths=LENGTHS)
    for score in ('TES', 'PCS'):
        import_feature_sequences(
            str(raw['features']),
            {s: read_label_file(str(raw[s]), 'fisv', score)
             for s in ('train', 'test')},
            str(tmp / 'data'), f'fisv_{score.lower()}.pkl')
    return tmp / 'data'
