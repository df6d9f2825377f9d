"""Semi-supervised NW-UCLA: SME pretraining against scratch with 5, 10 and
100 % of the labels, and the frozen features of every checkpoint (see
README.md)."""
