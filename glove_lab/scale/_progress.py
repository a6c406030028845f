"""Progress of a variant run: a bar in a notebook (ipywidgets), lines of text in a script."""

from __future__ import annotations

import html
import sys
from typing import Any, Protocol, TextIO

__all__ = ["Progress", "TextProgress", "WidgetProgress", "choose_progress"]


class Progress(Protocol):
    """What `run_variants` reports to as rows arrive."""

    def start(self, total: int, where: str | None) -> None:
        """The run begins: how many rows, and where it runs (e.g. the dashboard link)."""

    def advance(self, name: str, error: str | None, seconds: float | None) -> None:
        """One more row arrived (in the order they finish)."""

    def finish(self, summary: str) -> None:
        """The run is over."""


class TextProgress:
    """One line per finished variant, for scripts and terminals."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.total = self.done = 0

    def _print(self, text: str) -> None:
        print(text, file=self.stream or sys.stderr, flush=True)

    def start(self, total: int, where: str | None) -> None:
        """Print where the run goes (with the dashboard link, on dask)."""
        self.total = total
        self._print(f"running {total} variant{'s' if total != 1 else ''}"
                    + (f" on {where}" if where else " in this process"))

    def advance(self, name: str, error: str | None, seconds: float | None) -> None:
        """Print `[ 3/12] name: ok in 0.41 s` or the error."""
        self.done += 1
        width = len(str(self.total))
        outcome = f"error: {error}" if error else f"ok in {seconds or 0.0:.2f} s"
        self._print(f"[{self.done:{width}d}/{self.total}] {name}: {outcome}")

    def finish(self, summary: str) -> None:
        """Print the summary line."""
        self._print(summary)


class WidgetProgress:
    """An ipywidgets bar with a count and the last variant; red once an error arrives."""

    def __init__(self) -> None:
        import ipywidgets as widgets
        from IPython.display import display

        self.bar = widgets.IntProgress(value=0, min=0, max=1, description="variants",
                                       bar_style="info")
        self.label = widgets.HTML()
        self.box = widgets.VBox([widgets.HBox([self.bar, self.label])])
        self.where = widgets.HTML()
        self.errors = 0
        display(self.box)

    def start(self, total: int, where: str | None) -> None:
        """Size the bar; show where the run goes (the dashboard as a link)."""
        self.bar.max = max(total, 1)
        self.label.value = f"0/{total}"
        if where:
            # The dashboard link is also printed, so it stays in the notebook's text output.
            print(f"running {total} variants on {where}")
            self.where.value = _link_text(where)
            self.box.children = (*self.box.children, self.where)

    def advance(self, name: str, error: str | None, seconds: float | None) -> None:
        """Move the bar; name the variant that just finished."""
        self.bar.value += 1
        if error:
            self.errors += 1
            self.bar.bar_style = "danger"
        outcome = "error" if error else f"{seconds or 0.0:.2f} s"
        self.label.value = html.escape(
            f"{self.bar.value}/{self.bar.max}  last: {name} ({outcome})"
            + (f"  errors: {self.errors}" if self.errors else ""))

    def finish(self, summary: str) -> None:
        """Show the summary; the bar turns green when nothing failed."""
        if not self.errors:
            self.bar.bar_style = "success"
        self.label.value = html.escape(summary)


def choose_progress(progress: Any) -> Progress | None:
    """The reporter for `progress`: None/True auto, False none, "text", "widget", or an object.

    Auto shows the widget in a Jupyter kernel when ipywidgets is installed and
    prints text otherwise.
    """
    if progress is False:
        return None
    if progress is None or progress is True:
        return WidgetProgress() if _in_kernel_with_widgets() else TextProgress()
    if progress == "text":
        return TextProgress()
    if progress == "widget":
        return WidgetProgress()
    if all(hasattr(progress, m) for m in ("start", "advance", "finish")):
        return progress
    from glove_lab.errors import GloveError

    raise GloveError(f"progress must be None, True, False, 'text', 'widget' or an object with "
                     f"start/advance/finish, got {progress!r}")


def _in_kernel_with_widgets() -> bool:
    if "ipykernel" not in sys.modules:
        return False
    try:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None or getattr(shell, "kernel", None) is None:
            return False
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _link_text(where: str) -> str:
    head, sep, link = where.partition("dashboard: ")
    if not sep:
        return html.escape(where)
    url = html.escape(link, quote=True)
    return f"{html.escape(head)}dashboard: <a href=\"{url}\" target=\"_blank\">{url}</a>"
