"""Studies beyond the paper, one self-contained package each (run from the
repository root as ``python -m projects.<study>.run``)."""
