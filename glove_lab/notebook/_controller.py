"""The widget's logic, free of ipywidgets: selection, palette, forms, actions, view state.

Both the JupyterLab widget (GloveWidget) and the plain-ipywidgets fallback
are thin shells over this class, so the behaviour is written and tested once.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from glove_lab.drawing import draw, is_box, tag_color
from glove_lab.errors import CheckError, GloveError, PathError, TypeMismatchError
from glove_lab.notebook._expressions import ExpressionError, evaluate, shell_namespace
from glove_lab.notebook._interrupt import OutOfTime, time_limit
from glove_lab.notebook._preview import DrawnNodes, nothing_here, preview_of
from glove_lab.notebook._protocol import (
    ApplyScope,
    HistoryEntry,
    Inspector,
    NoInspector,
    NoPreview,
    Preview,
    RuleForm,
    SearchMatch,
)
from glove_lab.patching import Outcome, Rule, lookup, rules
from glove_lab.session import Session, SessionEvent
from glove_lab.tree import (
    KeyPath,
    as_path,
    description,
    display_name,
    display_path,
    get,
    hyper_of,
    index_of,
    kind_of,
    notes_of,
    short_repr,
    tags_of,
)

__all__ = ["Controller", "failure_text", "EXPAND_ALL_BUDGET", "MAX_DEPTH"]

EXPAND_ALL_BUDGET = 1000
"""Graph nodes laid out by "Expand all" or a chosen depth (graphviz: ~0.5 s for 1,000)."""
MAX_DEPTH = 1000
"""The deepest level the depth control accepts."""


class Controller:
    """Selection, palette and actions over one Session; renders the view state.

    Args:
        session: the session to drive.
        budget: graph node budget (placeholders beyond it).
        on_change: called with the new tree after every apply/undo/redo
            (the magics use it to rebind the notebook variable).
        on_event: called with the SessionEvent after the controller has taken
            it in (selection kept valid, diff base set): the view redraws here,
            so it never sees a half-updated controller. The controller is the
            view's one source of session changes.
        example: an input for the adapters' node notes (a torch model's output
            shapes from one forward on it, after every step); their status
            line (a forward that failed) joins the status.
        namespace: where values typed in the inspector and in untyped rule fields
            are evaluated as Python expressions (default: the notebook kernel's
            namespace; without a kernel, only literals are read).
    """

    def __init__(self, session: Session, budget: int = 150,
                 on_change: Callable[[Any], None] | None = None,
                 on_event: Callable[[SessionEvent], None] | None = None,
                 example: Any = None,
                 namespace: Mapping[str, Any] | None = None) -> None:
        if type(budget) is not int or budget < 1:
            raise GloveError(f"the graph budget must be a whole number of nodes >= 1, got "
                             f"{budget!r}")
        self.session = session
        # Where typed expressions are evaluated (None: the running kernel's, if any).
        self.namespace = namespace
        self.budget = budget
        self.on_change = on_change
        self.on_event = on_event
        self.example = example
        self.notes_status = ""  # what the node notes said when the graph was last drawn
        # Set when the notebook variable this view wrote to was reassigned (see the magics).
        self.detached = ""
        self.selection: list[str] = []
        self.expanded: list[str] = []
        # Subtrees the user closed again (placeholders whatever the budget).
        self.collapsed: list[str] = []
        # Levels shown (None: as many as the budget allows); "Expand all" is `all_expanded`.
        self.depth: int | None = None
        self.all_expanded = False
        # How much of the tree the graph shows ("Showing 866 of 12,002 nodes; ..."), or "".
        self.graph_note = ""
        self.error = ""
        self.status = f"{session.name}: click a node to select it (shift-click adds)"
        if session.check is not None:
            self.status += f"; every step is checked ({session.check_mode} mode)"
        # Per rule name, why its last application was refused by the session's check.
        self.rule_errors: dict[str, str] = {}
        self._compare_to: Any = None
        self.matches: list[SearchMatch] = []
        # strict: a selection with nodes the rule does not match is refused (off: skipped).
        self.strict = True
        # The rule the palette previews (hovered or chosen): (name, form values, scope).
        self.previewing: tuple[str, dict[str, Any], str] | None = None
        self._previews: dict[tuple[Any, ...], Preview] = {}  # mapped onto the last drawing
        self._outcomes: dict[tuple[Any, ...], Outcome | Preview] = {}  # dry runs on the tree
        self._previews_of: tuple[Any, str] | None = None  # (tree, SVG) the caches are for
        self._nodes_of: tuple[str, DrawnNodes] | None = None
        self._drawn: tuple[tuple[Any, ...], str] | None = None  # (what was drawn, its SVG)
        self._unsubscribe = session.on_change(self._session_changed)

    def close(self) -> None:
        """Stop listening to the session."""
        self._unsubscribe()

    # -- events from a front end ------------------------------------------
    def select(self, paths: Iterable[str]) -> bool:
        """Set the selection; a bad path sets `error` and changes nothing. Returns success."""
        chosen: list[str] = []
        if isinstance(paths, (str, bytes)) or not isinstance(paths, Iterable):
            self.error = f"Cannot select: expected a list of paths, got {type(paths).__name__}"
            return False
        try:
            for raw in paths:
                if not isinstance(raw, str):
                    raise PathError(f"a path must be a string, got {type(raw).__name__}")
                path = as_path(raw)  # "$" (an SVG title) is the root too
                get(self.session.tree, path)
                text = str(path)
                if text not in chosen:
                    chosen.append(text)
        except GloveError as exc:
            self.error = f"Cannot select: {exc}"
            return False
        self.selection = chosen
        # A node selected inside a collapsed subtree (a search result) opens it again.
        self.collapsed = [c for c in self.collapsed
                          if not any(_inside(p, c) for p in chosen)]
        self.error = ""
        return True

    def expand(self, path: str) -> bool:
        """Open a collapsed placeholder; a bad path sets `error`."""
        try:
            if not isinstance(path, str):
                raise PathError(f"a path must be a string, got {type(path).__name__}")
            target = as_path(path)
            get(self.session.tree, target)
        except GloveError as exc:
            self.error = f"Cannot expand: {exc}"
            return False
        text = str(target)
        if text not in self.expanded:
            self.expanded.append(text)
        self.collapsed = [c for c in self.collapsed if not (c == text or _inside(text, c))]
        self.error = ""
        return True

    def collapse(self, path: str) -> bool:
        """Close the subtree at `path` again: it becomes a placeholder (click it to reopen).

        Expansions inside it are forgotten and a selection inside it moves to it.
        A bad path, or a node with no child nodes to hide, sets `error` and
        changes nothing.
        """
        try:
            if not isinstance(path, str):
                raise PathError(f"a path must be a string, got {type(path).__name__}")
            target = as_path(path)
            node = get(self.session.tree, target)
            kind = kind_of(node)
            if kind is None or not any(is_box(child) for _, child in kind.children(node)):
                raise PathError(f"{display_path(target)} has no child nodes to hide")
        except GloveError as exc:
            self.error = f"Cannot collapse: {exc}"
            return False
        text = str(target)
        self.expanded = [e for e in self.expanded if not (e == text or _inside(e, text))]
        self.collapsed = [c for c in self.collapsed if not _inside(c, text)] + (
            [] if text in self.collapsed else [text])
        moved = [text if _inside(p, text) else p for p in self.selection]
        self.selection = list(dict.fromkeys(moved))
        self.error = ""
        self.status = f"Collapsed {display_path(text)} (click it to open it again)"
        return True

    def set_depth(self, depth: int | None) -> bool:
        """Show `depth` levels below the root (None: as many as the node budget allows).

        Deeper nodes collapse into placeholders; earlier expansions and collapses
        are forgotten (the selected nodes stay visible). With a depth the graph
        may lay out up to `EXPAND_ALL_BUDGET` nodes. A bad depth sets `error`.
        """
        if depth is not None and (type(depth) is not int or not 0 <= depth <= MAX_DEPTH):
            self.error = (f"Cannot set the depth: expected a whole number of levels from 0 to "
                          f"{MAX_DEPTH}, or None for automatic, got {short_repr(depth, 60)}")
            return False
        self._reset_view(depth, all_expanded=False)
        self.status = ("Showing as many levels as fit" if depth is None else
                       f"Showing {depth} level{'s' if depth != 1 else ''} below the root")
        return True

    def expand_all(self) -> bool:
        """Open every subtree, laying out at most `EXPAND_ALL_BUDGET` nodes (`graph_note` says
        how much is shown when that is not the whole tree)."""
        self._reset_view(None, all_expanded=True)
        self.status = "Expanded all"
        return True

    def collapse_all(self) -> bool:
        """Show only the root and its children (the selected nodes stay visible)."""
        self._reset_view(1, all_expanded=False)
        self.status = "Collapsed all: click a placeholder to open it"
        return True

    def _reset_view(self, depth: int | None, all_expanded: bool) -> None:
        self.depth = depth
        self.all_expanded = all_expanded
        self.expanded = []
        self.collapsed = []
        self.error = ""

    def apply(self, rule: str, params: dict[str, Any] | None = None,
              scope: str = "selection", strict: bool | None = None) -> bool:
        """Apply a rule to the selection or everywhere; errors go to `error`, nothing changes.

        `strict` (default: the view's `strict`) False skips selected nodes the rule
        does not match instead of refusing the step.
        """
        problem = _check_request(scope, params, self.selection)
        if problem:
            self.error = problem
            return False
        if strict is not None:
            self.strict = bool(strict)
        try:
            at = list(self.selection) if scope == "selection" else None
            values = self._form_values(rule, params or {})
            with warnings.catch_warnings():  # the status line below carries the warning
                warnings.simplefilter("ignore")
                step = self.session.apply(rule, at=at, params=values, strict=self.strict)
        except BaseException as exc:  # a rule's fault never reaches the kernel (SystemExit too)
            self.error = failure_text(exc)
            if isinstance(exc, CheckError):  # shown next to the rule in the palette too
                self.rule_errors[rule.split("?", 1)[0]] = str(exc)
            return False
        self.error = ""
        self.rule_errors.pop(step.rule, None)
        ms = step.duration * 1000
        self.status = f"Applied {step.summary()} in {ms:.1f} ms" if ms < 10 else (
            f"Applied {step.summary()} in {ms:.0f} ms")
        if step.check:
            self.status += f"; {step.check}"
        if step.export_problem:
            self.status += f". Warning: this step cannot be exported: {step.export_problem}"
        return True

    def _form_values(self, rule: str, params: dict[str, Any]) -> dict[str, Any]:
        """A form's values converted for `rule`, empty text left out.

        Text fields are parsed by the parameter's type hint (as URI values would be);
        an untyped field (glove.replace's value) holds a Python expression, evaluated
        in the kernel's namespace.
        """
        given = {k: v for k, v in params.items() if not (isinstance(v, str) and
                                                         v == "" and k != "value")}
        target = lookup(rule)
        untyped = {p.name for p in target.params if p.kind == "any"}
        given = {k: evaluate(v, self.kernel_namespace())
                 if k in untyped and isinstance(v, str) else v for k, v in given.items()}
        return target.convert(given, text={k for k, v in given.items()
                                           if isinstance(v, str) and k not in untyped})

    def preview(self, rule: str, params: dict[str, Any] | None = None,
                scope: str = "selection") -> Preview | NoPreview:
        """What applying `rule` with these form values would do here (a dry run, cached).

        Kept as the rule being previewed, so the preview follows the selection,
        the graph and every step until another rule is previewed; rule "" stops
        previewing (`{}`). Never changes the session; a rule that cannot apply
        here is a preview that says why ("would change nothing here: ...").
        """
        if not rule:
            self.previewing = None
            return {}
        self.previewing = (rule, dict(params or {}), scope)
        return self.current_preview()

    def current_preview(self) -> Preview | NoPreview:
        """The preview of the rule being previewed, for the current tree and selection."""
        if self.previewing is None:
            return {}
        rule, params, scope = self.previewing
        return self._preview(rule, params, scope)

    def _preview(self, rule: str, params: dict[str, Any], scope: str) -> Preview:
        """The preview, from a dry run cached per tree, rule, values, selection and strict.

        Its nodes are mapped onto the graph drawn last (never drawn for it: a click's
        inspector and palette go out before graphviz runs; the full redraw that
        follows maps them onto the new drawing).
        """
        tree = self.session.tree
        svg = self._drawn[1] if self._drawn is not None else ""
        if self._previews_of is None or self._previews_of[0] is not tree:
            self._previews, self._outcomes = {}, {}
            self._previews_of = (tree, svg)
        elif self._previews_of[1] is not svg:
            self._previews = {}  # mapped onto another drawing
            self._previews_of = (tree, svg)
        selection = tuple(self.selection) if scope == "selection" else ()
        key = (rule, _frozen(params), scope, selection, self.strict)
        found = self._previews.get(key)
        if found is not None:
            return found
        shown = cast(ApplyScope, scope if scope in ("selection", "everywhere") else "selection")
        outcome = self._outcomes.get(key)
        if outcome is None:
            outcome = self._outcomes[key] = self._dry_run(rule, params, shown, selection)
        if isinstance(outcome, Outcome):
            result = preview_of(tree, outcome, shown, self._drawn_nodes(svg))
        else:
            result = outcome
        if len(self._previews) >= 256:
            self._previews.clear()
        if len(self._outcomes) >= 256:
            self._outcomes.clear()
        self._previews[key] = result
        return result

    def _dry_run(self, rule: str, params: dict[str, Any], scope: ApplyScope,
                 selection: tuple[str, ...]) -> Outcome | Preview:
        """The dry run's Outcome, or the preview that says why there is none."""
        problem = _check_request(scope, params, self.selection)
        try:
            expressions = [] if problem else _untyped_text(rule, params)
        except GloveError as exc:
            problem = str(exc)
        if problem:
            return nothing_here(rule, scope, problem)
        if expressions:
            # A hover or a pause in typing never runs the user's code: an expression
            # field is evaluated only when the rule is applied.
            why = (f"no preview: {', '.join(map(repr, expressions))} is Python code, run only "
                   "when the rule is applied")
            return {"rule": rule, "scope": scope, "count": 0, "nodes": [], "hidden": 0,
                    "text": why, "error": why}
        try:
            values = self._form_values(rule, params)
            # A hover must not hold the kernel: a rule that takes longer is not previewed
            # (applying it runs it in full, busy shown and interruptible).
            with time_limit(PREVIEW_SECONDS):
                return self.session.preview(
                    rule, at=list(selection) if scope == "selection" else None,
                    params=values, strict=self.strict)
        except OutOfTime:
            why = (f"no preview: the rule ran longer than {PREVIEW_SECONDS:g} s; apply it to "
                   "see what it changes")
            return {"rule": rule, "scope": scope, "count": 0, "nodes": [], "hidden": 0,
                    "text": why, "error": why}
        except BaseException as exc:  # a rule's fault is a preview that says so
            # An interrupt too ("Interrupted, nothing changed"): kept as this preview's
            # outcome, so redrawing never runs the rule again nor lets the interrupt
            # escape into the widget's message handler.
            return nothing_here(rule, scope, failure_text(exc))

    def _drawn_nodes(self, svg: str) -> DrawnNodes:
        """The nodes of a drawing, parsed once per drawing."""
        if self._nodes_of is None or self._nodes_of[0] is not svg:
            self._nodes_of = (svg, DrawnNodes(svg))
        return self._nodes_of[1]

    def undo(self) -> bool:
        """Undo the last step (status says what)."""
        try:
            step = self.session.undo()
        except BaseException as exc:
            self.error = failure_text(exc)
            return False
        self.status = f"Undid {step.summary()}" if step else "Nothing to undo"
        self.error = ""
        return step is not None

    def redo(self) -> bool:
        """Redo the next undone step."""
        try:
            step = self.session.redo()
        except BaseException as exc:
            self.error = failure_text(exc)
            return False
        self.status = f"Redid {step.summary()}" if step else "Nothing to redo"
        self.error = ""
        return step is not None

    def export(self) -> str:
        """The session's code ("" and `error` set if it cannot be made)."""
        try:
            code = self.session.export()
        except BaseException as exc:
            self.error = f"Cannot export: {failure_text(exc)}"
            return ""
        n = len(self.session.history)
        self.status = f"Exported {n} step{'s' if n != 1 else ''} as code"
        return code

    def set_value(self, path: str, key: str, text: str) -> bool:
        """Set one field from the inspector: a `glove.rebind` step at `path`.

        `text` is a Python expression (`5`, `'gelu'`, `2 * 64`, `nn.GELU()`)
        evaluated in the notebook's namespace (see `kernel_namespace`); its value
        must fit the field's type hint. `key` is the field's key text below
        `path`; on a leaf, any `key` means the leaf itself (a `glove.replace`).
        Errors (the expression's, a type mismatch, the rebuild's) go to
        `error`; nothing changes.
        """
        try:
            target = as_path(path)
            node = get(self.session.tree, target)
            value = evaluate(text, self.kernel_namespace())
            if kind_of(node) is None:  # a selected leaf's own value row
                what = display_path(target)
                step = self.session.apply("glove.replace", at=[target], params={"value": value})
            else:
                what = f"{key}"
                step = self.session.apply("glove.rebind", at=[target],
                                          params={"values": {key: value}})
        except TypeMismatchError as exc:
            self.error = (f"Cannot set {exc.field or key}: it expects {exc.expected}, got "
                          f"{short_repr(exc.value, 60)}; nothing changed")
            return False
        except BaseException as exc:
            self.error = failure_text(exc)
            return False
        self.error = ""
        where = "" if what == display_path(target) else f" at {display_path(target)}"
        self.status = f"Set {what} = {short_repr(value, 80)}{where}: {step.outcome()}"
        return True

    def kernel_namespace(self) -> Mapping[str, Any] | None:
        """Where typed expressions are evaluated: `namespace`, else the kernel's user namespace."""
        return self.namespace if self.namespace is not None else shell_namespace()

    def search(self, query: str, limit: int = 200) -> list[SearchMatch]:
        """Nodes whose path or type contains `query` (case-insensitive), leaves whose
        value text contains it or whose whole path it is, or, for `#tag`, nodes that carry
        the tag; in traversal order, at most `limit`.

        Kept as `matches` (the widget lists them; selecting them reveals collapsed
        ones). An empty query clears the matches.
        """
        text = query.strip()
        self.matches = []
        if not text:
            return self.matches
        tag = text[1:].lower() if text.startswith("#") else None
        needle = text.lower()
        index = index_of(self.session.tree)
        # A path's text is its parent's plus its key's, so "contains the needle" and
        # the length are carried down from the parent with the last len(needle) - 1
        # characters: no node's whole path text is made unless it is a match
        # (linear at any depth; a chain 10,000 deep has 10,000 paths of ~50,000 chars).
        nodes, parents, keys = index.nodes, index.parents, index.keys
        count = len(nodes)
        contains = [False] * count
        lengths = [0] * count
        tails = [""] * count
        overlap = len(needle) - 1
        for i in range(count):
            node = nodes[i]
            if i:
                parent = parents[i]
                # The key's text inside a path (".name", "[3]"); at the start, no dot.
                piece = str(KeyPath((0, keys[i])))[3:]
                if parent == 0 and piece.startswith("."):
                    piece = piece[1:]
                joined = tails[parent] + piece.lower()
                contains[i] = contains[parent] or needle in joined
                lengths[i] = lengths[parent] + len(joined) - len(tails[parent])
                tails[i] = joined[-overlap:] if overlap > 0 else ""
            kind = kind_of(node)
            type_name = display_name(node, kind.label if kind else None)
            if tag is not None:
                found = tag in {t.lower() for t in tags_of(node)}
                why = f"#{tag}"
            elif contains[i] and (kind is not None or (  # a leaf only by its whole path
                    lengths[i] == len(needle) and str(index.path_at(i)).lower() == needle)):
                found, why = True, "path"
            elif kind is not None and needle in type_name.lower():
                found, why = True, "type"
            elif kind is None and needle in short_repr(node, 200).lower():
                found, why = True, "value"
            else:
                found = False
            if found:
                self.matches.append({"path": str(index.path_at(i)), "type": type_name,
                                     "why": why})
                if len(self.matches) >= limit:
                    break
        n = len(self.matches)
        self.status = (f"{n}{'+' if n >= limit else ''} match{'es' if n != 1 else ''} "
                       f"for {text!r}")
        return self.matches

    def dismiss_error(self) -> None:
        """Clear the error message."""
        self.error = ""

    # -- view state ---------------------------------------------------------
    def svg(self) -> str:
        """The graph of the current tree: selection highlighted, last change marked.

        Drawn again only when something it shows changed (tree, compared tree,
        selection, expanded and collapsed paths, depth, budget): an export or a
        dismissed error does not run graphviz again. Sets `graph_note`.
        """
        budget = self._budget()
        inputs = self._svg_inputs()
        if self._drawn is not None and _same_inputs(self._drawn[0], inputs):
            return self._drawn[1]
        notes = notes_of(self.session.tree, self.example)  # cached per tree and example
        self.notes_status = notes.status if self.example is not None else ""
        try:
            drawing = draw(self.session.tree, depth=self.depth, highlight=self.selection,
                           diff_from=self._compare_to, expand=self.expanded, budget=budget,
                           notes=notes.by_path, collapse=self.collapsed)
        except GloveError as exc:
            self.error = self.error or f"Cannot draw the graph: {exc}"
            self.graph_note = ""
            return ""
        except Exception as exc:
            hint = (" Is graphviz installed? (apt-get install graphviz)"
                    if "graphviz" in type(exc).__module__ or isinstance(exc, OSError) else "")
            self.error = self.error or (
                f"Cannot draw the graph ({type(exc).__name__}: {exc}).{hint}")
            self.graph_note = ""
            return ""
        self.graph_note = self._note(drawing.shown, drawing.total, budget)
        self._drawn = (inputs, drawing.svg)
        return drawing.svg

    def _note(self, shown: int, total: int, budget: int) -> str:
        if shown >= total:
            return ""
        note = f"Showing {shown:,} of {total:,} nodes"
        if self.all_expanded:
            return (f"{note}: at most {budget:,} boxes are laid out, to stay fast; "
                    "search (Ctrl+F) finds the rest")
        return f"{note}; click a ▸ placeholder to open it, or search (Ctrl+F)"

    def status_text(self) -> str:
        """The status line: the last action's, the notes' (a failed forward), detachment."""
        status = f"{self.status} · {self.notes_status}" if self.notes_status else self.status
        return f"{self.detached} · {status}" if self.detached else status

    def svg_is_current(self) -> bool:
        """True when `svg()` would return the last drawing without running graphviz."""
        return self._drawn is not None and _same_inputs(self._drawn[0], self._svg_inputs())

    def _budget(self) -> int:
        return self.budget if self.depth is None and not self.all_expanded else max(
            self.budget, EXPAND_ALL_BUDGET)

    def _svg_inputs(self) -> tuple[Any, ...]:
        return (self.session.tree, self._compare_to, tuple(self.selection),
                tuple(self.expanded), self._budget(), tuple(self.collapsed), self.depth)

    def forget_graph(self) -> None:
        """Make the next `svg()` draw afresh (tags or kinds changed, not the tree)."""
        self._drawn = None

    def inspector(self) -> Inspector | NoInspector:
        """Facts about the last selected node: path, type, tags, arguments, doc (`{}`: none)."""
        if not self.selection:
            return {}
        path = KeyPath.parse(self.selection[-1])
        try:
            node = get(self.session.tree, path)
        except GloveError:
            return {}
        kind = kind_of(node)
        args: list[tuple[str, str]] = []
        # Every field is editable: a literal shows its repr to edit, anything else ""
        # (the front end shows its short repr and takes an expression to replace it).
        editable: dict[str, str] = {}
        child_paths: dict[str, str] = {}
        doc = ""
        if kind is not None:
            children = list(kind.children(node))
            hyper = set(hyper_of(node))
            ordered = ([c for c in children if c[0] in hyper] +
                       [c for c in children if c[0] not in hyper])
            for key, child in ordered[:40]:
                name = str(KeyPath((key,)))
                args.append((name, short_repr(child, 80)))
                editable[name] = repr(child) if _is_literal(child) else ""
                child_paths[name] = str(path.child(key))
            doc = description(node)
        else:
            args.append(("value", short_repr(node, 200)))
            editable["value"] = repr(node) if _is_literal(node) else ""
        tags = sorted(tags_of(node))
        label = kind.label if kind else None
        return {"path": display_path(path), "type": display_name(node, label),
                "tags": tags, "args": args, "doc": doc[:200], "editable": editable,
                "child_paths": child_paths,
                "tag_colors": {name: tag_color(name) for name in tags},
                "common": self._common() if len(self.selection) > 1 else ""}

    def _common(self) -> str:
        """What the selected nodes share: `all BatchNorm2d · #normalization`, or `mixed: ...`."""
        types: dict[str, int] = {}
        shared: set[str] | None = None
        for text in self.selection:
            try:
                node = get(self.session.tree, KeyPath.parse(text))
            except GloveError:
                continue
            kind = kind_of(node)
            name = display_name(node, kind.label if kind else None)
            types[name] = types.get(name, 0) + 1
            tags = set(tags_of(node))
            shared = tags if shared is None else shared & tags
        if len(types) == 1:
            text = f"all {next(iter(types))}"
        else:
            ranked = sorted(types.items(), key=lambda item: -item[1])
            text = "mixed: " + ", ".join(f"{n} {name}" for name, n in ranked[:3]) + (
                f" (+{len(ranked) - 3} types)" if len(ranked) > 3 else "")
        if shared:
            text += " · " + " ".join(f"#{tag}" for tag in sorted(shared))
        return text

    def palette(self) -> list[RuleForm]:
        """The rules that match every selected node (or somewhere, with no selection).

        Rules flagged `hidden` (parameters a form cannot express) are left out.
        """
        tree = self.session.tree
        try:
            if self.selection:
                matching: list[Rule] | None = None
                for path in self.selection:
                    here = rules(tree, at=path)
                    if matching is None:
                        matching = here
                    elif self.strict:  # every selected node
                        matching = [r for r in matching if r in here]
                    else:  # some selected node (the others are skipped)
                        matching += [r for r in here if r not in matching]
                found = matching or []
            else:
                found = rules(tree)
        except GloveError:
            found = []
        shown = [r for r in found if not r.hidden]
        user = [r for r in shown if not r.name.startswith("glove.")]
        builtin = [r for r in shown if r.name.startswith("glove.")]
        forms = [r.form() for r in user + builtin]
        deadline = time.perf_counter() + _PALETTE_PREVIEW_SECONDS
        for form, rule in zip(forms, user + builtin, strict=True):
            form["error"] = self.rule_errors.get(form["name"], "")
            # A rule whose defaults would change nothing at a few selected nodes is shown
            # disabled, with why. Only rules marked `preview_on_select` (glove_lab's own)
            # are dry-run here: a click never runs the user's rule code (it may be slow or
            # have effects); theirs, rules that need values first, big selections and
            # "everywhere" are previewed when hovered (a dry run can cost a real step).
            if (not rule.preview_on_select
                    or not 0 < len(self.selection) <= _PALETTE_PREVIEW_NODES
                    or any(p.required for p in rule.params) or time.perf_counter() > deadline):
                continue
            preview = self._preview(rule.name, {}, "selection")
            if not preview["count"] and preview["text"].startswith("would change nothing"):
                form["disabled"] = preview["text"]
        return forms

    def history(self) -> list[HistoryEntry]:
        """Applied steps, then undone ones (flagged), for the history list."""
        items: list[HistoryEntry] = []
        for i, step in enumerate(self.session.history + self.session.undone):
            items.append({
                "index": i,
                "rule": step.rule,
                "params": step.params_text(),
                # The row names the step (rule, parameters, where); the summary line
                # under it says only what it did, so no row says the step twice.
                "paths": step.where().removeprefix("at "),
                "summary": step.outcome(),
                "undone": i >= len(self.session.history),
                "check": step.check,
                "check_error": step.check_error,
            })
        return items

    def _session_changed(self, event: SessionEvent) -> None:
        # After apply/redo the graph shows what the step changed; after undo, what the
        # undo took away; after a rollback the session is back where it was.
        self._compare_to = None if event.kind == "rollback" else event.before
        tree = event.session.tree
        # Paths the step took away are forgotten: selected, expanded or collapsed
        # (drawing a missing path would fail, and the graph would vanish).
        self.selection = _existing(self.selection, tree)
        self.expanded = _existing(self.expanded, tree)
        self.collapsed = _existing(self.collapsed, tree)
        if self.on_change is not None:
            self.on_change(tree)
        if self.on_event is not None:
            self.on_event(event)


def failure_text(exc: BaseException) -> str:
    """What the error line says about a failed action: the cause, and that nothing changed."""
    if isinstance(exc, KeyboardInterrupt):
        return "Interrupted, nothing changed"
    if isinstance(exc, ExpressionError):  # raised before any step was tried
        return f"{exc}; nothing changed"
    if isinstance(exc, GloveError):
        return str(exc)  # a GloveError from a step means nothing changed (and says so if odd)
    if not isinstance(exc, Exception):
        return f"{type(exc).__name__}({', '.join(map(repr, exc.args))}); nothing changed"
    return f"{type(exc).__name__}: {exc}; nothing changed"


def _existing(paths: list[str], tree: Any) -> list[str]:
    """The paths (KeyPath texts) that still exist in `tree`."""
    kept = []
    for path in paths:
        try:
            get(tree, KeyPath.parse(path))
            kept.append(path)
        except GloveError:
            continue
    return kept


def _inside(path: str, ancestor: str) -> bool:
    """True if the KeyPath text `path` is strictly below `ancestor`."""
    inner, outer = KeyPath.parse(path), KeyPath.parse(ancestor)
    return len(inner) > len(outer) and inner[:len(outer)] == outer


# How long one palette may spend finding rules that would change nothing (a dry run each,
# cached per tree and selection), and for how many selected nodes at most; the rest are
# previewed when hovered.
_PALETTE_PREVIEW_SECONDS = 0.05
PREVIEW_SECONDS = 2.0  # a rule's dry run for a preview stops after this long
_PALETTE_PREVIEW_NODES = 8


def _check_request(scope: str, params: Any, selection: list[str]) -> str:
    """Why an apply/preview request cannot run ("" if it can)."""
    if scope not in ("selection", "everywhere"):
        return f"Unknown scope {scope!r}: use 'selection' or 'everywhere'"
    if scope == "selection" and not selection:
        return "Select one or more nodes first, or use 'Apply everywhere'."
    if params is not None and not isinstance(params, dict):
        return f"Parameters must be an object, got {type(params).__name__}"
    return ""


def _untyped_text(rule: str, params: dict[str, Any]) -> list[str]:
    """The form fields of `rule` that hold a Python expression (untyped parameters) as text."""
    untyped = {p.name for p in lookup(rule).params if p.kind == "any"}
    return [k for k, v in params.items() if k in untyped and isinstance(v, str) and v != ""]


def _frozen(params: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A hashable key for form values (they are text, numbers and booleans)."""
    return tuple(sorted((str(k), repr(v)) for k, v in params.items()))


def _same_inputs(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Same trees (by identity: trees are values) and equal selection, expansion, budget."""
    return a[0] is b[0] and a[1] is b[1] and a[2:] == b[2:]


def _is_literal(value: Any, depth: int = 0) -> bool:
    """True for values an inspector field can show and read back (`repr` round trips)."""
    if type(value) is int:
        return value.bit_length() <= 13_000  # its repr must exist (Python's digit limit)
    if type(value) is float:
        return math.isfinite(value)  # `nan` and `inf` are names, not literals
    if value is None or type(value) in (bool, str):
        return type(value) is not str or len(value) <= 1_000
    if depth > 3:
        return False
    if type(value) in (tuple, list):
        return len(value) <= 8 and all(_is_literal(v, depth + 1) for v in value)
    if type(value) is dict:
        return len(value) <= 8 and all(_is_literal(k, depth + 1) and _is_literal(v, depth + 1)
                                       for k, v in value.items())
    return False

