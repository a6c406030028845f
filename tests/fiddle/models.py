"""Fiddle fixtures at module level, so code and exported sessions can import them back."""

from __future__ import annotations

import fiddle as fdl
from torch import nn

import glove_lab as gl
import glove_lab.fiddle
import glove_lab.torch


class Encoder:
    """A plain class a config configures."""

    def __init__(self, width: int, dropout: float = 0.1, act=None):
        self.width, self.dropout, self.act = width, dropout, act


class WideEncoder(Encoder):
    """An encoder with the same arguments: a config can switch to it."""


class Model:
    """The experiment's model: an encoder, a decoder factory and a shared regularizer."""

    def __init__(self, encoder, decoder, regularizer=None):
        self.encoder, self.decoder, self.regularizer = encoder, decoder, regularizer


def scale(x, /, factor=2, *rest):
    """A function with a positional-only argument and varargs."""
    return (x * factor, *rest)


class Precision(fdl.Tag):
    """A Fiddle tag on an argument slot."""


gl.tag(Encoder, "encoder")


def make_config() -> fdl.Config:
    """A small experiment config: a sub-config shared by two parents, a Partial, a tag."""
    shared = fdl.Config(nn.Dropout, p=0.1)
    encoder = fdl.Config(Encoder, 8, act=fdl.Config(nn.ReLU))
    fdl.add_tag(encoder, "dropout", Precision)
    return fdl.Config(Model, encoder=encoder,
                      decoder=fdl.Partial(Encoder, width=4, act=shared),
                      regularizer=shared)
