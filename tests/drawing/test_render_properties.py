"""Properties over random trees: every drawn node's title and id name a path of the tree."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glove_lab as gl
from glove_lab.drawing import path_from_svg_id, path_from_title, to_svg

SVG = "{http://www.w3.org/2000/svg}"


@gl.symbolize(tags={"dense"})
class Unit:
    def __init__(self, a, b=None):
        pass


leaves = st.one_of(st.integers(-5, 5), st.text(max_size=12), st.none(), st.booleans(),
                   st.floats(allow_nan=False, width=32))
keys = st.one_of(st.text(max_size=10), st.integers(-3, 40))


def extend(children):
    return st.one_of(
        st.lists(children, max_size=8),
        st.lists(children, max_size=4).map(tuple),
        st.dictionaries(keys, children, max_size=6),
        st.builds(Unit, children, children),
    )


trees = st.recursive(leaves, extend, max_leaves=40)


def drawn(svg: str) -> list[tuple[str, str, str]]:
    return [(g.find(f"{SVG}title").text, g.get("id"), g.get("class"))
            for g in ET.fromstring(svg).iter(f"{SVG}g") if "node" in g.get("class", "").split()]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tree=trees, budget=st.integers(1, 40), depth=st.one_of(st.none(), st.integers(0, 4)))
def test_every_title_names_a_path_of_the_tree(tree, budget, depth):
    nodes = drawn(to_svg(tree, budget=budget, depth=depth))
    assert nodes
    for title, node_id, _ in nodes:
        path = path_from_title(title)
        assert path_from_svg_id(node_id) == path
        gl.get(tree, path)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(old=trees, new=trees)
def test_diff_titles_name_paths_of_the_new_or_the_old_tree(old, new):
    for title, _, classes in drawn(to_svg(new, diff_from=old, budget=30)):
        path = path_from_title(title)
        gl.get(old if "glove-removed" in classes.split() else new, path)
