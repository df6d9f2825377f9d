from .strict_pretrained import StrictPretrainedInit

__all__ = ['StrictPretrainedInit']
