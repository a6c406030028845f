"""The session layer: history of Steps, undo/redo, export as code, save/load a patch log."""

from glove_lab.session._check import CHECK_MODES, CheckResult, describe_result, run_check
from glove_lab.session._export import (
    export_fingerprint,
    export_problem,
    export_steps,
    needs_patching,
    require_names,
)
from glove_lab.session._session import Session, SessionEvent, fingerprint
from glove_lab.session._step import Step

__all__ = ["CHECK_MODES", "CheckResult", "Session", "SessionEvent", "Step", "describe_result",
           "export_fingerprint", "export_problem", "export_steps", "fingerprint",
           "needs_patching", "require_names", "run_check"]
