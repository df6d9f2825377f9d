"""Finding a model config given as a path or as the name of a config that
an OpenMMLab package ships (``<package>/.mim/configs/**/<name>.py``)."""
import glob
import importlib
import os.path as osp
from typing import Type

from aqa_mm.utils.cli import UserError


def find_config(name: str, package: str, what: str,
                error: Type[Exception] = UserError) -> str:
    """``name`` when it is a file, else the bundled config of that name.

    Args:
        name (str): ``.py`` path, or a config name with or without ``.py``
            (e.g. ``'faster-rcnn_r50_fpn_1x_coco'``).
        package (str): The package whose bundled configs are searched,
            ``'mmdet'`` or ``'mmpose'``; imported only when ``name`` is not
            a file.
        what (str): What the config is for, named in the error
            (``'pose'``, ``'detector'``).
        error (type): Exception raised when nothing is found. Defaults to
            :class:`~aqa_mm.utils.UserError`.

    Returns:
        str: Path of the config file (the first match in sorted order).

    Raises:
        Exception: ``error``, naming ``name``, when there is no such file
            nor bundled config.
    """
    if osp.isfile(name):
        return name
    module = importlib.import_module(package)
    pattern = osp.join(osp.dirname(module.__file__), '.mim', 'configs', '**',
                       osp.basename(name).removesuffix('.py') + '.py')
    found = sorted(glob.glob(pattern, recursive=True))
    if not found:
        raise error(f'{what} config not found: {name} (not a file, nor a '
                    f'config bundled with {package})')
    return found[0]
