"""Analysis of test results: scatter plots, PFM report, t-SNE, summaries,
and model complexity (``flops``: parameters and FLOPs, paper Table 10).

Not imported by ``import aqa_mm`` (it pulls in matplotlib); the thin CLIs in
``tools/analysis/`` import the module they need.
"""
