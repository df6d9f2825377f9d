"""NumpyOnlyUnpickler: numpy arrays in plain containers load; any other
global is refused before it can run."""
import io
import pickle

import numpy as np
import pytest

from aqa_mm.models.utils.numpy_unpickler import (NumpyOnlyUnpickler,
                                                 flatten_arrays)
from aqa_mm.utils import UserError

CALLS = []


def record_call(*args):
    """A global a malicious pickle would call (here it only records)."""
    CALLS.append(args)
    return 'called'


class Payload:
    def __reduce__(self):
        return record_call, ('payload ran',)


def test_unpickler_refuses_a_non_numpy_global():
    data = pickle.dumps({'params': {'w': np.zeros(2, np.float32)},
                         'x': Payload()})
    # plain pickle would run the global: the refusal below is what stops it
    CALLS.clear()
    assert pickle.loads(data)['x'] == 'called' and CALLS
    CALLS.clear()
    with pytest.raises(pickle.UnpicklingError, match=r'evil.ckpt: refusing '
                       r'to unpickle the global .*test_numpy_unpickler\.'
                       r'record_call; only numpy arrays'):
        NumpyOnlyUnpickler(io.BytesIO(data), 'evil.ckpt').load()
    assert CALLS == []


def test_unpickler_reads_nested_float_arrays():
    tree = {'params': {'a': {'kernel': np.arange(6, dtype=np.float32)
                             .reshape(2, 3)}}, 'batch_stats': {}}
    for protocol in (2, 4, 5):
        data = io.BytesIO(pickle.dumps(tree, protocol=protocol))
        flat = flatten_arrays(NumpyOnlyUnpickler(data, 'ok').load(), 'ok')
        assert list(flat) == ['params/a/kernel']
        assert np.array_equal(flat['params/a/kernel'],
                              tree['params']['a']['kernel'])


def test_non_array_leaves_are_named():
    with pytest.raises(UserError, match=r'odd: params/w is a list'):
        flatten_arrays({'params': {'w': [1.0, 2.0]}}, 'odd')
    with pytest.raises(UserError, match=r'params/w is a ndarray <U1'):
        flatten_arrays({'params': {'w': np.array(['a'])}}, 'odd')
    with pytest.raises(UserError, match=r'non-string key 3 under params/'):
        flatten_arrays({'params': {3: np.zeros(1)}}, 'odd')
