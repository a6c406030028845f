"""Torch tests run single-threaded: tiny models on a shared 2-core machine are faster so."""

from __future__ import annotations

import torch

torch.set_num_threads(1)
