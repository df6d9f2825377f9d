"""Environment fixes and helpers kept in one place."""
from .checkpoint import (check_checkpoint_matches, checkpoint_safe_globals,
                         history_buffer_getattr, load_checkpoint_file)
from .cli import (DataError, UserError, friendly_errors, load_config,
                  merge_cfg_options)
from .dist_utils import end_distributed_worker, setup_cpu_distributed
from .io import atomic_open, atomic_pickle_dump, atomic_write_text
from .setup_env import check_work_dir, register_all_modules

__all__ = [
    'check_checkpoint_matches', 'checkpoint_safe_globals',
    'history_buffer_getattr', 'load_checkpoint_file', 'UserError',
    'DataError', 'friendly_errors', 'load_config', 'merge_cfg_options',
    'setup_cpu_distributed', 'end_distributed_worker', 'atomic_open',
    'atomic_pickle_dump', 'atomic_write_text', 'register_all_modules',
    'check_work_dir'
]
