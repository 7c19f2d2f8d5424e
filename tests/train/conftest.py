"""Shared settings for the trainer tests."""

import torch

# The test models are tiny: extra intra-op threads only add overhead (10x on a loaded 2-core
# machine). Thread count does not change results here, so bit-exactness checks are unaffected.
torch.set_num_threads(1)
