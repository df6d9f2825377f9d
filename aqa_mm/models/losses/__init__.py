from .hard_triplet_loss import HardTripletLoss
from .infonce_loss import InfoNCELoss
from .queue_infonce_loss import QueueInfoNCELoss

__all__ = ['HardTripletLoss', 'InfoNCELoss', 'QueueInfoNCELoss']
