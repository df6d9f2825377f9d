"""Import-time warnings of the OpenMMLab stack that say nothing to our users.

Kept narrow: each entry names the module that warns and the exact message,
and the module is imported once under a filter for that message only, so
the same warning from anywhere else, and every other warning, still shows.
"""
import importlib
import warnings
from typing import Tuple

#: (module, regex of the warning message) pairs.
#: mmcv-lite has no compiled ops; mmcv.cnn.bricks.transformer (imported by
#: mmaction.models) warns on every run that MultiScaleDeformableAttention is
#: missing. No aqa_mm or mmaction2 component we use needs it (it belongs to
#: deformable-DETR-style detectors).
QUIET_IMPORTS: Tuple[Tuple[str, str], ...] = (
    ('mmcv.cnn.bricks.transformer',
     r'Fail to import ``MultiScaleDeformableAttention``'),
)


def import_quietly() -> None:
    """Import the modules of :data:`QUIET_IMPORTS`, hiding only their
    listed warning. Later imports reuse the loaded module and stay silent.
    """
    for module, message in QUIET_IMPORTS:
        with warnings.catch_warnings():
            warnings.filterwarnings('ignore', message=message,
                                    category=UserWarning)
            importlib.import_module(module)
