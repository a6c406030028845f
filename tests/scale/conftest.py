"""Variant tests train tiny torch models single-threaded, as dask workers do (1 thread each)."""

from __future__ import annotations

import torch

torch.set_num_threads(1)
