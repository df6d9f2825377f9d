from .hard_triplet_loss import HardTripletLoss
from .infonce_loss import InfoNCELoss

__all__ = ['HardTripletLoss', 'InfoNCELoss']
