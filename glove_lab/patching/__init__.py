"""The rules layer: named, parameterised rewrites, their registry, and applying them."""

from glove_lab.patching._apply import (
    Outcome,
    apply,
    apply_rule,
    dry_run_of,
    merge_params,
    parse_uri,
    resolve,
    rules,
    skipped_text,
)
from glove_lab.patching._builtin import BUILTIN_RULES
from glove_lab.patching._match import Match, Verdict, extra_behaviour
from glove_lab.patching._params import FormKind, FormValue, Param, ParamForm
from glove_lab.patching._registry import (
    ENTRY_POINT_GROUP,
    all_rules,
    load_entry_points,
    lookup,
    register_rule,
    register_rule_source,
    require_rules,
    unregister_rule,
)
from glove_lab.patching._rule import (
    Rule,
    RuleContext,
    RuleForm,
    check_rule_name,
    is_rule_name,
    rule,
)

__all__ = [
    "BUILTIN_RULES", "ENTRY_POINT_GROUP", "FormKind", "FormValue", "Match", "Outcome", "Param",
    "ParamForm", "Rule", "RuleContext", "RuleForm", "Verdict", "all_rules", "apply", "apply_rule",
    "dry_run_of",
    "check_rule_name", "extra_behaviour", "is_rule_name", "load_entry_points", "lookup",
    "merge_params", "parse_uri", "register_rule", "register_rule_source", "require_rules",
    "resolve", "rule", "rules", "skipped_text", "unregister_rule",
]
