from .pack_aqa_inputs import PackAQAInputs

__all__ = ['PackAQAInputs']
