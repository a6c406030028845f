"""display_bundle: an SVG mimebundle when dot is on PATH, else text with a note; never raises."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import glove_lab as gl
from glove_lab.drawing import display_bundle


@gl.symbolize
class Small:
    def __init__(self, a=1, b=(2, 3)):
        pass


class BadRepr:
    def __repr__(self):
        raise RuntimeError("no repr for you")


def test_bundle_has_svg_and_text_when_dot_is_available():
    bundle = display_bundle(Small())
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert ET.fromstring(bundle["image/svg+xml"]).tag.endswith("svg")
    assert bundle["text/plain"] == repr(Small())


def test_bundle_falls_back_to_text_without_dot(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    bundle = display_bundle(Small())
    assert set(bundle) == {"text/plain"}
    assert bundle["text/plain"].startswith(repr(Small()))
    assert "apt-get install graphviz" in bundle["text/plain"]


def test_dot_is_found_again_once_path_is_restored(monkeypatch, tmp_path):
    with monkeypatch.context() as patch:
        patch.setenv("PATH", str(tmp_path))
        assert "image/svg+xml" not in display_bundle(Small())
    assert "image/svg+xml" in display_bundle(Small())


def test_bundle_never_raises_on_a_failing_render():
    bundle = display_bundle({"inner": Exploding()})
    assert set(bundle) == {"text/plain"}
    assert "could not draw the graph" in bundle["text/plain"]
    assert "\n" in bundle["text/plain"] and bundle["text/plain"].count("\n") == 1


def test_bundle_survives_an_object_whose_repr_raises():
    bundle = display_bundle(BadRepr())
    assert "BadRepr object" in bundle["text/plain"]


class Exploding:
    """A value of a node kind whose children cannot be listed."""


def _broken_children(node):
    raise ValueError("broken children\nsecond line")


gl.register_kind(Exploding, children=_broken_children, rebuild=lambda node, children: node)
