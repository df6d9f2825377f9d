# 2M-AF with soft fusion (beyond the paper): the final score is the
# selector-probability-weighted sum of the stream scores, not the argmax
# stream's score.
_base_ = ['./2maf_synthetic_cached.py']
model = dict(head=dict(fusion='soft'))
