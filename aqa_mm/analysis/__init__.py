"""Analysis of models and their results: scatter plots, PFM report, t-SNE,
summaries, model complexity (``flops``: parameters and FLOPs, paper Table
10), and the checks the demo prints or draws (``domain_check``: is a score
trustworthy; ``kinetics``: what the RGB stream's I3D sees;
``annotated_video``: skeleton and scores on every frame).

Not imported by ``import aqa_mm`` (it pulls in matplotlib); the thin CLIs in
``tools/analysis/`` and ``tools/demo.py`` import the module they need.
"""
