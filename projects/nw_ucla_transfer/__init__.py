"""NW-UCLA cross-view transfer of SME-GCN to action classification: from
scratch, after SME pretraining, and as linear probes (see README.md)."""
