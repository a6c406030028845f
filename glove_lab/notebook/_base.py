"""SessionView: what the JupyterLab widget and the plain-ipywidgets fallback share.

Both are thin shells over a Controller: they attach to a Session, run actions
through the controller, and redraw once per action or once per change made
elsewhere (a magic, another view, code). Only `_redraw` differs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from glove_lab.notebook._controller import Controller, failure_text
from glove_lab.notebook._interrupt import interruptible, remember_main_loop
from glove_lab.session import Session, SessionEvent

__all__ = ["SessionView"]


class SessionView:
    """Mixin for a view of one Session; call `_attach` in `__init__`, `_detach` in `close`."""

    session: Session
    controller: Controller

    def _attach(self, session: Session | Any, budget: int,
                on_change: Callable[[Any], None] | None, check: Callable[[Any], Any] | None = None,
                check_mode: str = "raise", example: Any = None) -> None:
        remember_main_loop()  # created in a cell: the kernel's loop, for interrupts
        if not isinstance(session, Session):
            session = Session(session)
        if check is not None:  # a check given to the widget is the session's from now on
            session.set_check(check, check_mode)
        self.session = session
        self._in_action = False
        self.controller = Controller(session, budget=budget, on_change=on_change,
                                     on_event=self._session_changed, example=example)

    def _redraw(self) -> None:
        """Show the controller's current state (each view does this its own way)."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Redraw everything from the session, the graph drawn afresh."""
        self.controller.forget_graph()
        self._redraw()

    def _run(self, action: Callable[[], Any]) -> bool:
        """Run a controller action, then redraw once (not once per session event).

        The boundary with ipykernel: nothing an action causes (a rule raising
        SystemExit, an interrupt, a bug) escapes into the widget's message or
        click handler, which would kill the kernel or leave the view unanswered.
        It is shown on the error line instead.
        """
        self._in_action = True
        try:
            with interruptible():  # Kernel > Interrupt stops a long rule (subshells too)
                ok = bool(action())
        except BaseException as exc:
            self.controller.error = failure_text(exc)
            ok = False
        finally:
            self._in_action = False
        self._safe_redraw()
        return ok

    def _safe_redraw(self) -> None:
        """Redraw; if even that fails, show why on the error line."""
        try:
            self._redraw()
        except BaseException as exc:  # an interrupt while drawing too: never into ipykernel
            self.controller.error = f"Cannot redraw the view: {failure_text(exc)}"
            self._show_error_only()

    def _show_error_only(self) -> None:
        """Show `controller.error` alone (the view's last resort)."""

    def _session_changed(self, event: SessionEvent) -> None:
        # Changes made elsewhere (a magic, another view, code) redraw this view.
        if not self._in_action:
            self._redraw()

    def _detach(self) -> None:
        self.controller.close()
