"""The tree layer: node kinds, paths, queries, persistent edits, equality, code and JSON."""

from glove_lab.tree._codegen import (
    CodeWriter,
    is_importable_module,
    is_module_name,
    is_python_name,
    to_code,
)
from glove_lab.tree._compare import Change, ChangeKind, diff, eq
from glove_lab.tree._edit import (
    REMOVE,
    Splice,
    check_edits,
    map_nodes,
    rebind,
    rebind_paths,
    replace,
)
from glove_lab.tree._format import description, display_name, format, safe_repr, short_repr
from glove_lab.tree._guard import check_acyclic, protect, restore_if_changed, snapshot
from glove_lab.tree._hints import describe_hint, fits, signature_hints
from glove_lab.tree._json import JsonLimits, from_json, to_json
from glove_lab.tree._keypath import (
    ROOT_TEXT,
    KeyPath,
    PathLike,
    PathSpec,
    as_path,
    describe_path,
    display_path,
    shorten,
)
from glove_lab.tree._kinds import (
    NodeKind,
    children_of,
    hints_of,
    invalidate_kinds,
    kind_of,
    kind_of_type,
    register_kind,
    register_resolver,
    registered_kind,
)
from glove_lab.tree._naming import importable_name, name_of, register_type
from glove_lab.tree._notes import NodeNotes, notes_of, register_notes
from glove_lab.tree._symbolic import (
    Call,
    Symbolic,
    SymbolicFunction,
    build,
    hyper_of,
    is_symbolic,
    symbolize,
)
from glove_lab.tree._tags import (
    declared_tags,
    modules_tagging,
    tag,
    tag_origin,
    tag_origins,
    tags_of,
    untag,
)
from glove_lab.tree._traverse import PathGlob, TreeIndex, get, index_of, paths, query, traverse

__all__ = [
    "JsonLimits",
    "check_edits", "describe_hint", "fits", "hints_of", "signature_hints",
    "ROOT_TEXT", "ChangeKind", "display_path", "shorten",
    "REMOVE", "Call", "Change", "CodeWriter", "KeyPath", "NodeKind", "PathGlob", "PathLike",
    "PathSpec",
    "Splice", "Symbolic", "SymbolicFunction", "TreeIndex", "as_path", "build", "check_acyclic",
    "children_of", "declared_tags",
    "describe_path", "diff", "display_name", "eq", "format", "from_json", "get", "hyper_of",
    "importable_name", "index_of", "is_importable_module", "is_module_name", "is_python_name",
    "invalidate_kinds", "is_symbolic", "kind_of", "kind_of_type", "map_nodes", "rebind_paths",
    "modules_tagging", "name_of", "NodeNotes", "notes_of", "register_notes",
    "paths", "protect", "query", "rebind", "register_kind",
    "register_resolver", "register_type", "registered_kind", "replace", "restore_if_changed",
    "description", "safe_repr", "short_repr", "snapshot",
    "symbolize", "tag", "tag_origin", "tag_origins", "tags_of", "to_code", "to_json",
    "traverse", "untag",
]
