"""Converters from the released AQA datasets to the AQADataset annotation
format; the command-line tools in ``tools/data/<dataset>/`` wrap them."""
from .aqa7 import convert_aqa7
from .common import ConversionReport, PlannedSample, convert
from .jigsaws import convert_jigsaws
from .mmfs63 import convert_mmfs63
from .mtl_aqa import convert_mtl_aqa
from .mtl_aqa_dives import write_dive_list
from .unlv_dive import convert_unlv_dive

__all__ = ['ConversionReport', 'PlannedSample', 'convert', 'convert_aqa7',
           'convert_unlv_dive', 'convert_mmfs63', 'convert_mtl_aqa',
           'convert_jigsaws', 'write_dive_list']
