"""Finding a model config given as a path or as the name of a config that
an OpenMMLab package ships (``<package>/.mim/configs/**/<name>.py``)."""
import glob
import importlib
import os.path as osp
from typing import Optional


def find_config(name: str, package: str) -> Optional[str]:
    """``name`` when it is a file, else the bundled config of that name.

    Args:
        name (str): ``.py`` path, or a config name with or without ``.py``
            (e.g. ``'faster-rcnn_r50_fpn_1x_coco'``).
        package (str): The package whose bundled configs are searched,
            ``'mmdet'`` or ``'mmpose'``; imported only when ``name`` is not
            a file.

    Returns:
        str | None: Path of the config file (the first match in sorted
        order), or None when there is none.
    """
    if osp.isfile(name):
        return name
    module = importlib.import_module(package)
    pattern = osp.join(osp.dirname(module.__file__), '.mim', 'configs', '**',
                       osp.basename(name).removesuffix('.py') + '.py')
    found = sorted(glob.glob(pattern, recursive=True))
    return found[0] if found else None
