# SME-GCN on NW-UCLA cross-view from random init (the transfer baseline of
# §4.7). Everything is in _base_/nw_ucla_xview.py; this file only names it.
_base_ = ['../../_base_/default_runtime.py', './_base_/nw_ucla_xview.py']
