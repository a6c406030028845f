"""`from_json` drops nothing and can be bounded (issue 10, item 9)."""

from __future__ import annotations

import pytest
import torch

import glove_lab as gl
import glove_lab.torch


@gl.symbolize
class Stack:
    """Takes *layers and a name."""

    def __init__(self, *layers, name: str = "stack"):
        pass


def test_an_unknown_argument_of_a_star_args_class_is_refused_not_dropped():
    data = gl.to_json(Stack(1, 2, name="s"))
    data["args"]["surprise"] = 3
    with pytest.raises(gl.SerializationError, match="surprise"):
        gl.from_json(data)


def test_an_int_keyed_argument_is_refused_not_dropped():
    data = {"$type": gl.to_json(Stack())["$type"],
            "args": {"$dict": [[0, 1], ["name", "x"]]}}
    with pytest.raises(gl.SerializationError, match="takes no argument"):
        gl.from_json(data)


def test_limits_refuse_a_tiny_document_that_would_allocate_gigabytes():
    document = gl.to_json(torch.nn.Linear(3, 4))
    document["args"]["in_features"] = 30_000
    document["args"]["out_features"] = 30_000
    with pytest.raises(gl.SerializationError, match="max_int"):
        gl.from_json(document, limits=gl.JsonLimits(max_int=4096))
    with pytest.raises(gl.SerializationError, match="allow"):
        gl.from_json(document, limits=gl.JsonLimits(allow=frozenset({"x.Y"})))
    with pytest.raises(gl.SerializationError, match="max_nodes"):
        gl.from_json([1] * 100, limits=gl.JsonLimits(max_nodes=50))


def test_within_limits_the_document_loads():
    tree = Stack(1, 2, name="s")
    assert gl.eq(gl.from_json(gl.to_json(tree), limits=gl.JsonLimits(max_int=10,
                                                                      max_nodes=100)), tree)
