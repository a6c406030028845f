"""Applying a rule: match on the input tree, transform the outermost matches, atomically."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, overload
from urllib.parse import parse_qsl

from glove_lab.errors import GloveError, NoMatchError, PathError, RuleError, TypeMismatchError
from glove_lab.patching._registry import all_rules, lookup
from glove_lab.patching._rule import Rule, RuleContext, check_rule_name
from glove_lab.tree import (
    KeyPath,
    PathSpec,
    Splice,
    as_path,
    check_acyclic,
    children_of,
    describe_path,
    diff,
    display_path,
    get,
    index_of,
    kind_of,
    protect,
    rebind_paths,
    restore_if_changed,
    shorten,
    snapshot,
)

__all__ = ["apply", "apply_rule", "dry_run_of", "merge_params", "resolve", "rules", "Outcome",
           "parse_uri", "skipped_text"]


@dataclass(frozen=True)
class Outcome:
    """The result of applying a rule: the new tree and what it touched."""

    tree: Any
    rule: Rule
    params: dict[str, Any]
    paths: tuple[KeyPath, ...] | None  # the requested paths; None means everywhere
    matched_paths: tuple[KeyPath, ...]  # the nodes the action ran on
    changed_paths: tuple[KeyPath, ...] = field(default=())  # minimal changed paths (gl.diff)
    # Candidates the rule left alone: (path, type name, reason), in traversal order.
    skipped: tuple[tuple[KeyPath, str, str], ...] = field(default=())
    notes: tuple[str, ...] = field(default=())  # what the action said it did (context.note)
    # True for a dry run: `tree` is the input tree, and the paths say what applying would do.
    dry_run: bool = field(default=False)

    @property
    def count(self) -> int:
        """How many changes (minimal changed paths, as in `gl.diff`) the application makes."""
        return len(self.changed_paths)

    def summary(self, shown: int = 5) -> str:
        """One line: `would change 53 nodes: bn1, ... (+48)` (a dry run) or `changed ...`."""
        n = len(self.changed_paths)
        verb = "would change" if self.dry_run else "changed"
        if not n:
            text = f"{verb} nothing"
        else:
            paths = ", ".join(shorten(display_path(p), 60) for p in self.changed_paths[:shown])
            more = f" (+{n - shown})" if n > shown else ""
            text = f"{verb} {n} node{'s' if n != 1 else ''}: {paths}{more}"
        if self.notes:
            text += "; " + "; ".join(self.notes)
        if self.skipped:
            text += f"; {'would skip' if self.dry_run else 'skipped'} {skipped_text(self.skipped)}"
        return text


@overload
def apply(tree: Any, rule_or_uri: Rule | str, at: PathSpec | Iterable[PathSpec] | None = None,
          strict: bool = True, params: Mapping[str, Any] | None = None, *,
          dry_run: Literal[False] = False, **keyword_params: Any) -> Any: ...
@overload
def apply(tree: Any, rule_or_uri: Rule | str, at: PathSpec | Iterable[PathSpec] | None = None,
          strict: bool = True, params: Mapping[str, Any] | None = None, *,
          dry_run: Literal[True], **keyword_params: Any) -> Outcome: ...
def apply(tree: Any, rule_or_uri: Rule | str, at: PathSpec | Iterable[PathSpec] | None = None,
          strict: bool = True, params: Mapping[str, Any] | None = None, *,
          dry_run: bool = False, **keyword_params: Any) -> Any:
    """A new tree with the rule applied to the outermost matching nodes (or those `at`).

    `rule_or_uri` is a Rule, a registered name, or `"name?k=v&k2=v2"` (URI
    values are converted by the parameters' type hints). Rule parameters go
    in `params={"name": value}`, which no parameter name can collide with
    (`params={"strict": 5, "at": 1}`); as a shorthand, parameters whose names
    are not `at`, `strict`, `params` or `dry_run` may also be given as keywords.
    Raises PathError for an `at` path that does not exist, NoMatchError when
    (strict) an `at` node does not match or nothing matches, RuleError when
    the action raises; the input tree is never modified. With `strict=False`,
    `at` nodes the rule does not match are left alone (listed in the
    Outcome's `skipped`) and no match at all is a no-op.

    `dry_run=True` returns an `Outcome` instead of a tree: what applying would
    do (`matched_paths`, `changed_paths`, `count`, `summary()`), with
    `Outcome.tree` the input tree itself. The rule runs exactly as for a real
    application (so a dry run raises exactly when the real one would), and its
    result is dropped.
    """
    outcome = apply_rule(tree, rule_or_uri, at=at, strict=strict, params=params,
                         _record_changes=dry_run, **keyword_params)
    if dry_run:
        return dry_run_of(outcome, tree)
    return outcome.tree


def dry_run_of(outcome: Outcome, tree: Any) -> Outcome:
    """`outcome` as a dry run on `tree`: the same paths, the input tree kept."""
    return Outcome(tree, outcome.rule, outcome.params, outcome.paths, outcome.matched_paths,
                   outcome.changed_paths, outcome.skipped, outcome.notes, dry_run=True)


def apply_rule(tree: Any, rule_or_uri: Rule | str,
               at: PathSpec | Iterable[PathSpec] | None = None, strict: bool = True,
               params: Mapping[str, Any] | None = None, *, _record_changes: bool = True,
               **keyword_params: Any) -> Outcome:
    """Like `apply`, returning an Outcome with the matched and changed paths.

    (`apply` passes `_record_changes=False`: it returns only the tree, so the
    diff that finds the changed paths is skipped.)
    """
    rule, uri_params = resolve(rule_or_uri)
    given = merge_params(rule, params, keyword_params)
    merged = {**uri_params, **given}
    # URI values are text to parse by type hint; keyword values are Python values.
    values = rule.convert(merged, text=uri_params.keys() - given.keys())
    try:
        targets, skipped = _targets(tree, rule, at, strict)
    except GloveError:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise RuleError(f"rule {rule.name!r}: its matcher raised {_describe(exc)}") from exc
    pending: dict[KeyPath, Any] = {}
    notes: list[str] = []
    # One node object matched at several paths (a shared Fiddle sub-config, a tied
    # module) is transformed once: every place gets the same result, so it stays shared.
    results: dict[int, tuple[Any, Any]] = {}
    with protect(tree):  # symbolic nodes of `tree` refuse in-place writes meanwhile
        for path, node in targets:
            earlier = results.get(id(node))
            if earlier is not None and earlier[0] is node and not rule.accepts_context:
                if earlier[1] is not node:
                    pending[path] = earlier[1]
                continue
            context = RuleContext(tree, path, rule, pending, notes)
            saved = snapshot(node)
            try:
                if rule.accepts_context:
                    result = rule.function(node, context=context, **values)
                else:
                    result = rule.function(node, **values)
            except (RuleError, TypeMismatchError) as exc:
                restore_if_changed(saved)
                error = type(exc)(f"rule {rule.name!r} failed at {describe_path(path)}: {exc}")
                error.__dict__.update(vars(exc))  # (a TypeMismatchError's path, field, ...)
                raise error from exc
            except BaseException as exc:
                restore_if_changed(saved)
                if isinstance(exc, KeyboardInterrupt):
                    raise  # the user's interrupt: nothing was recorded, nothing changed
                if not isinstance(exc, Exception):  # SystemExit (argparse in a helper), ...
                    raise RuleError(f"rule {rule.name!r} raised {_describe(exc)} at "
                                    f"{describe_path(path)}; nothing changed") from exc
                raise RuleError(
                    f"rule {rule.name!r} failed at {describe_path(path)}: {_describe(exc)}"
                ) from exc
            mutated = restore_if_changed(saved)
            if mutated:
                raise RuleError(
                    f"rule {rule.name!r} changed its input at {describe_path(path)} in place "
                    f"({', '.join(mutated[:5])}); it was put back and nothing changed. A rule "
                    "must return a new node (gl.rebind(node, {...}) or a new instance)"
                )
            results[id(node)] = (node, result)
            if result is not node:
                if path in pending:
                    raise RuleError(f"rule {rule.name!r}: two edits of {describe_path(path)} in "
                                    "one application")
                pending[path] = result
    _check_results(rule, tree, pending, dict(targets))
    shared = index_of(tree).shared if pending and _may_share(tree, pending) else {}
    if shared:
        pending = _spread_to_aliases(tree, pending)
    _check_overlaps(rule, pending)
    try:
        new_tree = rebind_paths(tree, pending) if pending else tree
        if shared and not any(isinstance(v, Splice) for v in pending.values()):
            new_tree = _keep_shared(tree, new_tree)
    except GloveError as exc:
        raise RuleError(f"rule {rule.name!r} produced a tree that cannot be built: {exc}") from exc
    changed = (tuple(change.path for change in diff(tree, new_tree))
               if pending and _record_changes else ())
    paths = None if at is None else tuple(path for path, _ in targets)
    return Outcome(new_tree, rule, values, paths, tuple(p for p, _ in targets), changed,
                   tuple((p, type(n).__name__, reason) for p, n, reason in skipped),
                   tuple(notes))


def merge_params(rule: Rule, params: Mapping[str, Any] | None,
                 keyword_params: Mapping[str, Any]) -> dict[str, Any]:
    """One dict of a rule's parameters from the `params=` channel and the keyword shorthand."""
    if params is None:
        return dict(keyword_params)
    if not isinstance(params, Mapping):
        raise RuleError(
            f"rule {rule.name!r}: params= takes a mapping of parameter names to values, got "
            f"{type(params).__name__}; a rule parameter named 'params' goes inside it: "
            "params={'params': ...}"
        )
    twice = sorted(set(params) & set(keyword_params))
    if twice:
        raise RuleError(f"rule {rule.name!r}: parameter {twice[0]!r} given both in params= "
                        "and as a keyword")
    bad = [key for key in params if not isinstance(key, str)]
    if bad:
        raise RuleError(f"rule {rule.name!r}: parameter names are strings, got {bad[0]!r}")
    return {**params, **keyword_params}


def resolve(rule_or_uri: Rule | str) -> tuple[Rule, dict[str, str]]:
    """The Rule for a Rule, a name or a URI, and the URI's (unconverted) parameters."""
    if isinstance(rule_or_uri, Rule):
        return rule_or_uri, {}
    if not isinstance(rule_or_uri, str):
        raise RuleError(f"expected a Rule, a rule name or a URI, got {rule_or_uri!r}")
    name, params = parse_uri(rule_or_uri)
    return lookup(name), params


def parse_uri(uri: str) -> tuple[str, dict[str, str]]:
    """Split `"name?k=v&k2=v2"` into the name and a dict of string values.

    The name must be a rule name (dot-separated identifiers), so nothing in it
    is cut or rewritten: `"a#b"` or a tab in the name is refused, never read as `a`.
    Values are percent-decoded; everything after the first `?` is the query.
    """
    name, _, query = uri.partition("?")
    if not name:
        raise RuleError(f"no rule name in {uri!r}; expected 'name?param=value&...'")
    check_rule_name(name)
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=bool(query))
    except ValueError as exc:
        raise RuleError(f"malformed parameters in {uri!r}: {exc}") from None
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            raise RuleError(f"parameter {key!r} given twice in {uri!r}")
        params[key] = value
    return name, params


def rules(tree: Any = None, at: PathSpec | None = None) -> list[Rule]:
    """All registered rules; given a tree and a path, those whose matcher accepts that node.

    Given a tree and no path: the rules that match somewhere in it.
    """
    everything = all_rules()
    if tree is None:
        return everything
    if at is None:
        return [r for r in everything if r.on.exists(tree)]
    path = as_path(at)
    node = get(tree, path)
    return [r for r in everything if r.on.decide(tree, path, node) is True]


def _targets(tree: Any, rule: Rule, at: PathSpec | Iterable[PathSpec] | None, strict: bool
             ) -> tuple[list[tuple[KeyPath, Any]], list[tuple[KeyPath, Any, str]]]:
    """The nodes to rewrite (outermost first) and the candidates left alone, with reasons."""
    if at is None:
        candidates, skipped = rule.on.survey(tree)
        if strict and not candidates:
            left_alone = f"; it leaves alone {skipped_text(skipped)}" if skipped else ""
            raise NoMatchError(
                f"rule {rule.name!r} matches nothing in this tree ({rule.on!r}){left_alone}; "
                "pass strict=False to allow a no-op"
            )
        return _outermost(candidates), skipped
    requested = [at] if isinstance(at, (str, KeyPath)) else list(at)
    if not requested:
        raise PathError(f"rule {rule.name!r}: at= was given no paths")
    chosen: list[tuple[KeyPath, Any]] = []
    unmatched: list[tuple[KeyPath, Any, str]] = []
    # Many paths: look each up in the root's index (O(1)), not by walking from the root
    # (O(fanout) per level: quadratic for thousands of siblings).
    index = index_of(tree) if len(requested) > 8 else None
    order: dict[KeyPath, int] = {}
    for raw in requested:
        path = as_path(raw)
        position = index.position_of(path) if index is not None else None
        if index is not None and position is not None:
            node = index.nodes[position]
            order[path] = position
        else:
            node = get(tree, path)  # PathError names the missing key
        verdict = rule.on.decide(tree, path, node)
        if verdict is not True and not strict:
            unmatched.append((path, node, verdict or "not matched"))
            continue
        if verdict is not True:
            why = (f"it leaves this {type(node).__name__} alone: {verdict}" if verdict
                   else f"it applies to {rule.on!r}")
            raise NoMatchError(
                f"rule {rule.name!r} does not match the node at {describe_path(path)} "
                f"({type(node).__name__}); {why}"
            )
        chosen.append((path, node))
    if len(chosen) > 1:  # one path needs no ordering, and no index of the tree
        tree_index = index_of(tree)
        # (a nan key parsed from text is not the tree's nan: such a path sorts by walking)
        def place(item: tuple[KeyPath, Any]) -> int:
            found = order.get(item[0])
            if found is None:
                found = tree_index.position_of(item[0])
            return found if found is not None else _position_by_walk(tree, item[1])

        chosen.sort(key=place)
    deduplicated: list[tuple[KeyPath, Any]] = []
    for item in chosen:
        if not deduplicated or deduplicated[-1][0] != item[0]:
            deduplicated.append(item)
    return _outermost(deduplicated), unmatched


def _position_by_walk(tree: Any, node: Any) -> int:
    index = index_of(tree)
    return next((i for i, other in enumerate(index.nodes) if other is node), len(index.nodes))


def skipped_text(skipped: Iterable[tuple[Any, Any, str]]) -> str:
    """`"3 BatchNormAct2d (subclass with extra behaviour ...)"`: candidates left alone, grouped.

    Takes `(path, node or type name, reason)` triples.
    """
    groups: dict[tuple[str, str], int] = {}
    for _, node, reason in skipped:
        name = node if isinstance(node, str) else type(node).__name__
        groups[(name, reason)] = groups.get((name, reason), 0) + 1
    return "; ".join(f"{count} {name}: {reason}" for (name, reason), count in groups.items())


def _outermost(candidates: list[tuple[KeyPath, Any]]) -> list[tuple[KeyPath, Any]]:
    """Drop matches inside an earlier match (candidates are in traversal order)."""
    result: list[tuple[KeyPath, Any]] = []
    last: KeyPath | None = None
    for path, node in candidates:
        if last is not None and last.is_prefix_of(path):
            continue
        result.append((path, node))
        last = path
    return result


def _may_share(tree: Any, pending: dict[KeyPath, Any]) -> bool:
    """True if an edit goes through a node whose kind keeps sharing (a torch module).

    A few edits are checked along their paths, so a one-leaf step on a plain
    tree builds no index; many edits come from `select`, which built it.
    """
    if len(pending) > 8:
        return True
    for path in pending:
        node = tree
        for key in (None, *path):
            if key is not None:
                node = next((c for k, c in children_of(node)
                             if k == key and type(k) is type(key)), _MISSING)
                if node is _MISSING:
                    break
            kind = kind_of(node)
            if kind is None:
                break
            if kind.identity:
                return True
    return False


_MISSING = object()


def _spread_to_aliases(tree: Any, pending: dict[KeyPath, Any]) -> dict[KeyPath, Any]:
    """`pending` with each edit repeated at every other path of a shared object on its way.

    An edit at `h[0].act` where `h[0] is h[2]` (one block used twice) is also
    made at `h[2].act`; an edit of a shared activation, at each of its places.
    """
    index = index_of(tree)
    shared = index.shared
    result = dict(pending)
    queue = list(pending.items())
    while queue:
        path, value = queue.pop()
        for depth, position in enumerate(index.positions_along(path), start=1):
            group = shared.get(id(index.nodes[position]))
            if group is None:
                continue
            for position in group:
                alias = index.path_at(position) + path[depth:]
                if alias not in result:
                    result[alias] = value
                    queue.append((alias, value))
    return result


def _keep_shared(old_tree: Any, new_tree: Any) -> Any:
    """`new_tree` with each object shared in `old_tree` rebuilt once: one object at all its paths.

    Rebuilding the ancestors of an edit copies a shared module once per path;
    the first copy (in traversal order) is put at every path of the original.
    """
    index = index_of(old_tree)
    groups = sorted(([index.path_at(i) for i in positions]
                     for positions in index.shared.values()), key=lambda paths: len(paths[0]))
    for _ in range(len(groups) + 1):
        edits: dict[KeyPath, Any] = {}
        for paths in groups:
            if any(any(p.is_prefix_of(path) for p in edits) for path in paths):
                continue  # inside a subtree set this round; checked again next round
            try:
                found = [get(new_tree, path) for path in paths]
            except GloveError:
                continue  # a path the rule removed or restructured
            first = found[0]
            edits.update({path: first for path, node in zip(paths, found) if node is not first})
        if not edits:
            return new_tree
        new_tree = rebind_paths(new_tree, edits)
    return new_tree


def _describe(exc: BaseException) -> str:
    """`SystemExit(2)` for a BaseException that is no Exception, else `TypeError: message`."""
    if not isinstance(exc, Exception):
        return f"{type(exc).__name__}({', '.join(map(repr, exc.args))})"
    return f"{type(exc).__name__}: {exc}"


def _check_results(rule: Rule, tree: Any, pending: dict[KeyPath, Any],
                   inputs: dict[KeyPath, Any]) -> None:
    """Refuse results no tree can hold: the root removed, a node containing itself."""
    root = pending.get(KeyPath())
    if isinstance(root, Splice):
        raise RuleError(f"rule {rule.name!r} returned {root!r} for the root; the root cannot be "
                        "removed or spliced (return a new root instead)")
    for path, value in pending.items():
        values = value.items if isinstance(value, Splice) else (value,)
        for item in values:
            if kind_of(item) is None:
                continue
            original = (None if isinstance(value, Splice) else
                        inputs[path] if path in inputs else get(tree, path))
            check_acyclic(item, original, f"the result of rule {rule.name!r} at "
                                          f"{describe_path(path)}")


def _check_overlaps(rule: Rule, pending: dict[KeyPath, Any]) -> None:
    if len(pending) < 2:
        return
    # The edited paths merged into a trie, outer paths first: an edit inside another
    # is met on the way down. O(total length), so edits 10,000 levels deep stay linear.
    root: dict[Any, Any] = {}
    for inner in sorted(pending, key=len):
        node = root
        for depth, key in enumerate(inner):
            if _EDITED in node:
                outer = KeyPath(inner[:depth])
                raise RuleError(
                    f"rule {rule.name!r} edits both {describe_path(outer)} and "
                    f"{describe_path(inner)} inside it; an application may not edit a node and "
                    "something below it"
                )
            node = node.setdefault(key, {})
        node[_EDITED] = True


_EDITED = object()  # marks a trie node (in _check_overlaps) whose path is edited
