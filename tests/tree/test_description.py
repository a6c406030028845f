"""A node's description is what its own class (or function) says, never a library's docstring."""

from __future__ import annotations

import dataclasses

import torch.nn as nn

import glove_lab as gl
from glove_lab.notebook._controller import Controller
from glove_lab.tree import description


@gl.symbolize
class Plain:
    def __init__(self, x: int = 1):
        self.x = x


@gl.symbolize
class Documented:
    """A documented layer.

    More text that is not the first line.
    """

    def __init__(self, x: int = 1):
        self.x = x


class UserModule(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(2, 2)


@gl.symbolize
def undocumented(a: int = 1):
    return a


@gl.symbolize
def documented(a: int = 1):
    """Builds the thing."""
    return a


@dataclasses.dataclass
class Config:
    lr: float = 0.1


def test_an_undocumented_class_says_nothing_rather_than_a_base_classes_doc():
    assert description(Plain()) == ""  # not "Mixin of every symbolic class; ..."
    assert description(UserModule()) == ""  # not "Base class for all neural network modules."
    assert description(undocumented(a=2)) == ""  # not the doc of glove_lab's Call
    assert description(Config()) == ""  # not the generated "Config(lr: float = 0.1)"
    assert description([1]) == description({"a": 1}) == ""


def test_a_documented_class_or_function_gives_its_first_line():
    assert description(Documented()) == "A documented layer."
    assert description(documented(a=2)) == "Builds the thing."
    assert description(nn.Sequential()) == "A sequential container."


def test_the_inspector_shows_the_nodes_own_description_only():
    for tree, want in ((Plain(), ""), (UserModule(), ""), (Documented(), "A documented layer.")):
        controller = Controller(gl.Session(tree))
        assert controller.select(["$"])
        assert controller.inspector()["doc"] == want
