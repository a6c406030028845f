"""Reused boxes (drawing/_boxes.py): a drawing that reuses boxes dot drew before is the
drawing dot makes from the full labels, byte for byte, whatever changed in between."""

from __future__ import annotations

import re

import graphviz
import hypothesis.strategies as st
import pytest
import torch
import transformers
from hypothesis import HealthCheck, given, settings
from torch import nn

import glove_lab as gl
import glove_lab.hf  # the transformers tags (and the torch adapter)
from glove_lab.drawing import _boxes
from glove_lab.drawing._boxes import BoxCache
from glove_lab.drawing._dot import dot_source
from glove_lab.drawing._graph import build_graph
from glove_lab.drawing._render import _model, _svg
from tests.e2e.e2e_models import Act, Block, Conv, Net, hostile_net, small_net

_DATA = re.compile(r' data-glove-key="[0-9a-f]{16}" data-glove-at="[-0-9.]+ [-0-9.]+"')


def fresh(model) -> str:
    """What a fresh `dot` draws from the full labels."""
    return graphviz.pipe_string("dot", "svg", dot_source(model).text, encoding="utf-8",
                                quiet=True)


def through(cache: BoxCache, model) -> str:
    return cache.draw(lambda size_of: dot_source(model, size_of), _svg)


def resnet_like() -> nn.Module:
    def block(width: int) -> nn.Sequential:
        return nn.Sequential(nn.Conv2d(width, width, 3, padding=1, bias=False),
                             nn.BatchNorm2d(width), nn.ReLU(inplace=True))
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 16, 7, stride=2), nn.BatchNorm2d(16),
                         *[block(16 * (1 + i // 3)) for i in range(9)],
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(48, 10))


def models():
    """Drawings one after another, as the widget makes them: steps, selections, diffs,
    budgets, folded runs and placeholders, so boxes move, change, appear and go."""
    net = resnet_like()
    norms = [str(path) for path in gl.query(net, type=nn.BatchNorm2d)]
    patched = gl.apply(net, "torch.bn_to_gn", at=[norms[2]], groups=4)
    yield build_graph(net)
    yield build_graph(net, highlight=[norms[2]])
    yield build_graph(patched, highlight=[norms[2]], changes=gl.diff(net, patched))
    yield build_graph(patched, highlight=[norms[5], norms[6]])
    yield build_graph(net, budget=12)
    yield build_graph(net, collapse=["[3]"], highlight=["[4][1]"])
    yield build_graph(small_net())
    yield build_graph(hostile_net(), highlight=["blocks[0].act"])
    wide = Net([Block(Conv(8), Act()) for _ in range(12)])
    yield build_graph(wide)  # a folded run of identical blocks
    yield build_graph(gl.rebind(wide, {"blocks[3].conv.kernel": 5}), highlight=["blocks[3]"])


def test_reused_boxes_draw_what_dot_draws_from_full_labels():
    cache = BoxCache()
    drawn = []
    for model in models():
        svg = through(cache, model)
        assert _DATA.sub("", svg) == fresh(model)
        drawn.append(svg)
    # Boxes were reused, not just drawn afresh every time.
    again = list(models())[2]
    assert len(dot_source(again, cache.size_of).fixed) == len(again.nodes)


_GROUP = re.compile(r'<g id="glove&#45;node[^"]*" class="node[^"]*" data-glove-key="([0-9a-f]+)" '
                    r'data-glove-at="([-0-9.]+) ([-0-9.]+)">\n<title>([^<]*)</title>\n'
                    r'<(?:path|polygon) [^>]*(?:d|points)="([^"]*)"')


def test_every_node_group_says_its_key_and_its_outline_corner():
    cache = BoxCache()
    model = build_graph(Net([Block(Conv(8), Act()), Block(Conv(8), Act("gelu"))]), depth=3)
    svg = through(cache, model)
    groups = {title: (key, float(x), float(y), outline)
              for key, x, y, title, outline in _GROUP.findall(svg)}
    assert len(groups) == len(model.nodes) == svg.count('class="node')
    # The two identical convolutions share a key; the two different activations do not.
    assert groups["blocks[0].conv"][0] == groups["blocks[1].conv"][0]
    assert groups["blocks[0].act"][0] != groups["blocks[1].act"][0]
    for _key, x, y, outline in groups.values():
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", outline)]
        assert (min(numbers[0::2]), min(numbers[1::2])) == (x, y)


def test_a_box_that_no_longer_fits_is_forgotten_and_the_graph_drawn_from_full_labels():
    cache = BoxCache()
    model = build_graph(small_net())
    through(cache, model)
    # Poison one kept box: its size no longer matches its content.
    key = next(iter(dot_source(model).keys.values()))
    box = cache._boxes[key]
    box.width += 700
    svg = through(cache, model)
    assert _DATA.sub("", svg) == fresh(model)
    assert key not in cache._boxes or cache._boxes[key].width != box.width


def test_the_cache_keeps_at_most_its_limit_and_the_latest_boxes():
    cache = BoxCache(limit=5)
    model = build_graph(small_net())
    svg = through(cache, model)
    assert len(cache) == 5
    assert _DATA.sub("", through(cache, model)) == fresh(model)
    assert _DATA.sub("", svg) == fresh(model)


@pytest.mark.parametrize("content", [
    '<g id="a_x"><a xlink:href="#x"><text x="1" y="2">t</text></a></g>',
    '<image x="0" y="0" width="3" height="3" xlink:href="a.png"/>',
    '<ellipse cx="1" cy="2" rx="3" ry="4"/>',
    '<text x="1" y="2">no outline first</text>',
])
def test_content_it_cannot_move_is_never_kept(content):
    assert _boxes._box(content, "0" * 16) is None


def test_coordinates_print_as_dot_prints_them():
    printed = _boxes._Printed()
    assert [printed[h] for h in (0, 1250, -300, 5, -1, 123456)] == \
        ["0", "12.5", "-3", "0.05", "-0.01", "1234.56"]


@st.composite
def edited_nets(draw):
    count = draw(st.integers(1, 6))
    kernels = draw(st.lists(st.integers(1, 9), min_size=count, max_size=count))
    kinds = draw(st.lists(st.sampled_from(["relu", "gelu", "<b>&amp;", "x" * 40]),
                          min_size=count, max_size=count))
    net = Net([Block(Conv(8 * (i + 1), kernel), Act(kind))
               for i, (kernel, kind) in enumerate(zip(kernels, kinds, strict=True))])
    selected = draw(st.sampled_from([[], ["blocks"], ["blocks[0].act"], ["blocks[0].conv.kernel"]]))
    return net, selected


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edited_nets(), min_size=2, max_size=4))
def test_any_sequence_of_drawings_is_drawn_as_dot_draws_it(drawings):
    cache = BoxCache()
    previous = None
    for net, selected in drawings:
        changes = gl.diff(previous, net) if previous is not None else None
        model = build_graph(net, highlight=selected, changes=changes)
        assert _DATA.sub("", through(cache, model)) == fresh(model)
        previous = net


_EDGE = re.compile(r'<g id="(glove&#45;edge&#45;[^"]*)" class="edge[^"]*" '
                   r'data-glove-key="([0-9a-f]{16})" data-glove-at="0 0">\n(.*?)</g>', re.S)


def test_an_edge_keeps_its_key_while_it_stays_and_changes_it_when_it_moves():
    def block(width: int) -> nn.Sequential:
        return nn.Sequential(nn.Conv2d(width, width, 3, bias=False), nn.BatchNorm2d(width),
                             nn.ReLU())
    cache = BoxCache()
    net = nn.Sequential(*[block(8 + i) for i in range(12)])  # wide: drawn left to right
    patched = gl.apply(net, "torch.bn_to_gn", at=["[0][1]"], groups=4)
    first = {edge: (key, text) for edge, key, text in
             _EDGE.findall(through(cache, build_graph(net)))}
    second = {edge: (key, text) for edge, key, text in
              _EDGE.findall(through(cache, build_graph(patched)))}
    assert first.keys() == second.keys() and len(first) == len(build_graph(net).edges)
    for edge in first:
        # Equal keys exactly when the edge is drawn the same.
        assert (first[edge][0] == second[edge][0]) == (first[edge][1] == second[edge][1])
    # The first block's box grew: some edges moved, most did not.
    assert 0 < sum(first[e][0] != second[e][0] for e in first) < len(first) // 2


def test_real_transformers_models_are_drawn_as_dot_draws_them_step_after_step():
    torch.manual_seed(0)
    bert = transformers.BertModel(transformers.BertConfig(
        vocab_size=50, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=32)).eval()
    gpt2 = transformers.GPT2Model(transformers.GPT2Config(
        vocab_size=50, n_embd=16, n_layer=2, n_head=2, n_positions=32)).eval()
    for model in (bert, gpt2):
        cache = BoxCache()  # one per model: their changed dropout boxes look the same
        dropout = str(next(iter(gl.query(model, type=nn.Dropout))))
        patched = gl.rebind(model, {f"{dropout}.p": 0.3})
        before = [_model(model, None, [], None, (), 150, None, None, ()),
                  _model(model, None, [dropout], None, (), 150, None, None, ())]
        step = _model(patched, None, [dropout], model, (), 150, None, None, ())
        for graph in before:
            assert _DATA.sub("", through(cache, graph)) == fresh(graph)
        # The step's drawing reuses every box but the changed dropout and its ancestors
        # (marked changed), which dot measures afresh.
        reused = len(dot_source(step, cache.size_of).fixed)
        changed = sum(1 for node in step.nodes if node.state)
        assert changed >= 1 and reused == len(step.nodes) - changed
        for graph in (step, _model(patched, 2, [], None, (), 150, None, None, ())):
            assert _DATA.sub("", through(cache, graph)) == fresh(graph)
