"""The ideas applied without glove_lab: module surgery on the unmodified library's models.

One file per idea, written by one skilled engineer for all families at once: family
knowledge (which submodules an idea targets) is a table keyed by family, and the loop
that edits a model by dotted names (`surgery.py`) is shared by every idea. Each
function edits `model` in place and returns it.
"""
