"""`%glove` magics: show, apply, undo, redo, history, rules, export, diff, variants."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_magic, magics_class
from IPython.core.magic_arguments import MagicArgumentParser
from IPython.utils.process import arg_split

from glove_lab.errors import GloveError
from glove_lab.notebook._hosts import FRONT_ENDS, choose_front_end
from glove_lab.patching import rules as matching_rules
from glove_lab.session import Session

__all__ = ["GloveMagics", "load_ipython_extension", "sessions_of"]

_HELP = """\
%glove SUBCOMMAND [options]   (%glove SUBCOMMAND --help for details)

  show VAR [--plain] [--budget N] [--check EXPR] [--input EXPR]
                                    the widget on VAR; --check vets every step;
                                    --input: torch modules show their output shapes
  apply URI [--at PATH ...] [--dry-run]   apply a rule, e.g. %glove apply torch.bn_to_gn?groups=8
                                    (--dry-run: say what it would change, change nothing)
  undo / redo                       step back / forward
  history                           list the steps
  rules [--for PATH]                list rules (those matching the node at PATH)
  export [--cell | --file F.py | --notebook F.ipynb]   the session as code
  diff                              changes from the original tree
  variants [VAR] [--code NAME]      list variants (gl.variants) or a run's rows
                                    (gl.run_variants); --code prints one variant's code

Every subcommand but show acts on the current session (the last shown) or on
--on VAR. After each step the variable is rebound to the new tree."""


def _parsers() -> dict[str, MagicArgumentParser]:
    """One IPython MagicArgumentParser per subcommand (a mistake raises UsageError)."""
    made: dict[str, MagicArgumentParser] = {}

    def parser(name: str, description: str) -> MagicArgumentParser:
        p = MagicArgumentParser(prog=f"%glove {name}", description=description,
                                formatter_class=argparse.HelpFormatter)
        p.add_argument("-h", "--help", action="store_true", help="show this help")
        if name not in ("show", "variants"):
            p.add_argument("--on", metavar="VAR", help="act on VAR's session")
        made[name] = p
        return p

    p = parser("show", "Open the click-to-rewrite widget on a variable's tree.")
    p.add_argument("var", nargs="?", help="the variable holding the tree (e.g. model)")
    p.add_argument("--plain", action="store_true",
                   help="use stock ipywidgets controls (same as --frontend plain)")
    p.add_argument("--frontend", choices=("auto", *FRONT_ENDS), default="auto",
                   help="lab: the JupyterLab extension (JupyterLab, Notebook 7); anywidget: "
                        "the ES module (VS Code, Colab, marimo); plain: stock ipywidgets; "
                        "auto (default): chosen from the host")
    p.add_argument("--budget", type=_positive, default=150,
                   help="graph node budget (default 150)")
    p.add_argument("--check", metavar="EXPR",
                   help='an expression run after every step with VAR bound to the new tree, '
                        'e.g. "model(x)": a step whose check raises is refused')
    p.add_argument("--check-mode", choices=("raise", "warn"), default="raise",
                   help="raise: refuse a step whose check fails (default); warn: keep it, "
                        "marked failed")
    p.add_argument("--input", metavar="EXPR",
                   help="an example input (a name or expression, e.g. x): each torch module "
                        "shows its output shape from one forward on it, after every step")
    p = parser("apply", "Apply a rule: NAME or NAME?param=value&param2=value2.")
    p.add_argument("uri", nargs="?", help="rule name or URI, e.g. torch.bn_to_gn?groups=8")
    p.add_argument("--at", nargs="+", metavar="PATH", help="apply only at these paths")
    p.add_argument("--dry-run", action="store_true",
                   help="say what the rule would change; change nothing, record no step")
    parser("undo", "Undo the last step.")
    parser("redo", "Redo the last undone step.")
    parser("history", "List the steps of the session.")
    p = parser("rules", "List registered rules, or those matching the node at a path.")
    p.add_argument("--for", dest="for_path", metavar="PATH", help="only rules matching PATH")
    p = parser("export", "Print the session as code, or put it in a cell or file.")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--cell", action="store_true", help="insert a new cell below")
    target.add_argument("--file", metavar="F.py", help="write a Python file")
    target.add_argument("--notebook", metavar="F.ipynb", help="write a notebook")
    parser("diff", "Show the changes from the original tree.")
    p = parser("variants", "List variants (what gl.variants returned) or the rows of a "
               "gl.run_variants table; without VAR, the latest made or run.")
    p.add_argument("var", nargs="?", help="a variable holding variants or a result table")
    p.add_argument("--code", metavar="NAME", help="print the code of the variant NAME")
    return made


# Positional arguments a subcommand cannot run without (optional in the parser so
# that `%glove show --help` prints help instead of complaining first).
_REQUIRED = {"show": "var", "apply": "uri"}


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"the budget must be at least 1 node, got {value}")
    return value


def sessions_of(shell: Any) -> dict[str, Session]:
    """The sessions `%glove` keeps for a shell, by variable name."""
    return _state(shell)["sessions"]


def _state(shell: Any) -> dict[str, Any]:
    state = getattr(shell, "_glove_state", None)
    if state is None:
        state = {"sessions": {}, "current": None, "links": {}}
        shell._glove_state = state  # noqa: SLF001 - glove_lab's own attribute on the shell
    return state


_MISSING = object()


class VariableLink:
    """Writes a session's tree back to its notebook variable, while the variable still holds it.

    A session writes to `model` only while `model` *is* the tree the session
    last wrote (or started from). Once a cell reassigns (or deletes) `model`,
    the link detaches for good: the session and its widgets keep working on
    their own trees, and the widgets say they no longer write to `model`.
    """

    def __init__(self, shell: Any, var: str, session: Session) -> None:
        self.shell = shell
        self.var = var
        self.session = session
        self.written = session.tree
        self.detached = False
        self.views: list[Any] = []  # the widgets to tell when detaching

    def add_view(self, view: Any) -> None:
        """A widget of this session: told (and redrawn) when the link detaches."""
        self.views.append(view)
        if self.detached:
            view.controller.detached = self.notice

    def attached(self) -> bool:
        """True while the variable still holds the tree this link last wrote."""
        if not self.detached and self.shell.user_ns.get(self.var, _MISSING) is not self.written:
            self.detach()
        return not self.detached

    @property
    def notice(self) -> str:
        """What a detached view says."""
        return f"{self.var} was reassigned in a cell; this view no longer writes to it"

    def detach(self) -> None:
        """Stop writing; tell every view of the session."""
        self.detached = True
        for view in self.views:
            view.controller.detached = self.notice

    def __call__(self, event: str, session: Session) -> None:
        if self.attached():
            self.shell.user_ns[self.var] = session.tree
            self.written = session.tree


@magics_class
class GloveMagics(Magics):
    """The `%glove` line magic: IPython's Magics, one MagicArgumentParser per subcommand."""

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self.shell: Any = shell  # Magics types it Optional; %glove is always bound to one
        self.parsers = _parsers()

    @line_magic
    def glove(self, line: str) -> Any:
        """Run one `%glove SUBCOMMAND ...` line (`%glove --help` lists them)."""
        return self.run_line(line)

    def __call__(self, line: str) -> Any:
        """Run one `%glove ...` line (as `%glove` does)."""
        return self.run_line(line)

    def run_line(self, line: str) -> Any:
        """Run one `%glove ...` line.

        A user mistake raises IPython's UsageError: the notebook shows one
        paragraph (no traceback) and the cell counts as failed, so "Run All"
        stops there and a notebook run in CI fails loudly.
        """
        try:
            return self._run(line)
        except GloveError as exc:
            raise UsageError(f"glove: {exc}") from None
        except UsageError as exc:
            raise UsageError(f"glove: {exc}") from None
        except KeyboardInterrupt:
            raise UsageError("glove: interrupted, nothing changed") from None
        except OSError as exc:
            raise UsageError(f"glove: {exc.strerror or exc}: {exc.filename or ''}") from None
        except BaseException as exc:  # nothing a rule does may reach the kernel
            raise UsageError(f"glove: {type(exc).__name__}: {exc}") from None

    def check_variables(self, *_: Any) -> None:
        """After each cell: detach the sessions whose variable was reassigned; redraw views."""
        for link in list(_state(self.shell)["links"].values()):
            if not link.detached and not link.attached():
                for view in link.views:
                    with contextlib.suppress(Exception):
                        view.refresh()

    def _run(self, line: str) -> Any:
        try:
            words = arg_split(line, strict=True)
        except ValueError as exc:
            raise UsageError(f"cannot parse {line!r}: {exc}") from None
        if not words or words[0] in ("-h", "--help", "help"):
            print(_HELP)
            return None
        command, rest = words[0], words[1:]
        parser = self.parsers.get(command)
        if parser is None:
            raise UsageError(f"unknown subcommand {command!r}.\n\n{_HELP}")
        try:
            args = parser.parse_args(rest)
        except UsageError as exc:
            raise UsageError(f"{parser.prog}: {exc}\n{parser.format_usage().strip()}") from None
        if args.help:
            print(parser.format_help())
            return None
        required = _REQUIRED.get(command)
        if required is not None and getattr(args, required) is None:
            raise UsageError(f"{parser.prog}: the following arguments are required: "
                             f"{required}\n{parser.format_usage().strip()}")
        return getattr(self, "_" + command)(args)

    # -- subcommands ------------------------------------------------------------
    def _show(self, args: argparse.Namespace) -> Any:
        example = None if args.input is None else self._example(args.input)  # before a session
        session = self._session_for_variable(args.var)
        if args.check is not None:
            session.set_check(self._check_expression(args.var, args.check), args.check_mode)
        _state(self.shell)["current"] = args.var
        front_end = "plain" if args.plain else choose_front_end(args.frontend)
        widget = _widget_class(front_end)(session, budget=args.budget, example=example)
        link = _state(self.shell)["links"].get(args.var)
        if link is not None and link.session is session:
            link.add_view(widget)
        return widget

    def _apply(self, args: argparse.Namespace) -> None:
        name, session = self._current(args.on)
        if args.dry_run:
            print(f"{name}: {session.preview(args.uri, at=args.at).summary()}")
            return
        step = session.apply(args.uri, at=args.at)
        print(f"{name}: {step.summary()}" + (f"; {step.check}" if step.check else ""))

    def _undo(self, args: argparse.Namespace) -> None:
        name, session = self._current(args.on)
        step = session.undo()
        print(f"{name}: undid {step.summary()}" if step else f"{name}: nothing to undo")

    def _redo(self, args: argparse.Namespace) -> None:
        name, session = self._current(args.on)
        step = session.redo()
        print(f"{name}: redid {step.summary()}" if step else f"{name}: nothing to redo")

    def _history(self, args: argparse.Namespace) -> None:
        name, session = self._current(args.on)
        if not session.history and not session.undone:
            print(f"{name}: no steps yet")
        for i, step in enumerate(session.history, start=1):
            print(f"{i:3d}. {step.summary()}")
        for step in session.undone:
            print(f"  (undone) {step.summary()}")

    def _rules(self, args: argparse.Namespace) -> None:
        if args.for_path is not None:
            _, session = self._current(args.on)
            found = matching_rules(session.tree, at=args.for_path)
        else:
            found = matching_rules()
        # Ideas first; the built-in structural rules (glove.*) after them.
        found = sorted(found, key=lambda rule: rule.name.startswith("glove."))
        for rule in found:
            params = ", ".join(
                p.name + ("" if p.required else f"={p.default!r}") for p in rule.params)
            print(f"{rule.name}({params})" + (f"  -- {rule.doc}" if rule.doc else ""))

    def _export(self, args: argparse.Namespace) -> str | None:
        name, session = self._current(args.on)
        code = session.export()
        if args.cell:
            self.shell.set_next_input(code, replace=False)
            print(f"{name}: exported {len(session.history)} step(s) into a new cell below")
            return None
        if args.file:
            target = Path(args.file)
            if not target.parent.is_dir():
                raise UsageError(f"cannot write {args.file!r}: the folder "
                                 f"{str(target.parent)!r} does not exist")
            try:
                target.write_text(code, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"cannot write {args.file!r}: {exc.strerror or exc}") from None
            print(f"{name}: wrote {args.file}")
            return None
        if args.notebook:
            import nbformat

            notebook = nbformat.v4.new_notebook()
            notebook.cells = [
                nbformat.v4.new_markdown_cell(
                    f"Patches exported from glove_lab session `{name}`. Run it where "
                    f"`{name}` holds the original tree."),
                nbformat.v4.new_code_cell(code),
            ]
            if not Path(args.notebook).parent.is_dir():
                raise UsageError(f"cannot write {args.notebook!r}: the folder "
                                 f"{str(Path(args.notebook).parent)!r} does not exist")
            try:
                nbformat.write(notebook, args.notebook)
            except OSError as exc:
                raise UsageError(f"cannot write {args.notebook!r}: "
                                 f"{exc.strerror or exc}") from None
            print(f"{name}: wrote {args.notebook}")
            return None
        print(code)
        return None

    def _diff(self, args: argparse.Namespace) -> None:
        name, session = self._current(args.on)
        changes = session.diff()
        if not changes:
            print(f"{name}: no changes")
        for change in changes:
            print(str(change))

    def _variants(self, args: argparse.Namespace) -> None:
        from glove_lab.scale import Variants, VariantTable, latest

        if args.var is not None:
            if args.var not in self.shell.user_ns:
                raise UsageError(f"there is no variable {args.var!r} in this notebook")
            value = self.shell.user_ns[args.var]
        else:
            value = latest()
            if value is None:
                raise UsageError("no variants yet: make them with gl.variants(recipe, {idea: "
                                 "rule, ...}) and run them with gl.run_variants(variants, fn)")
        if not isinstance(value, (Variants, VariantTable)):
            raise UsageError(f"{args.var} holds a {type(value).__name__}, not variants or a "
                             "gl.run_variants table")
        if args.code is None:
            print(value.table())
            return
        if not isinstance(value, Variants):
            raise UsageError("--code needs variants (what gl.variants returned), not a table")
        try:
            variant = value[args.code]
        except KeyError as exc:
            raise UsageError(str(exc.args[0])) from None
        print(variant.script)

    # -- helpers ------------------------------------------------------------------
    def _check_expression(self, var: str, text: str) -> Any:
        """`fn(tree)` evaluating `text` in the notebook's namespace with `var` bound to tree."""
        if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
            text = text[1:-1]  # the magic's parser keeps the quotes around "model(x)"
        try:
            code = compile(text, "<glove check>", "eval")
        except SyntaxError as exc:
            raise UsageError(f"--check {text!r} is not a Python expression: {exc.msg}") from None
        namespace = self.shell.user_ns

        def check(tree: Any) -> Any:
            return eval(code, namespace, {var: tree})

        check.__qualname__ = f"check {text!r}"
        return check

    def _example(self, text: str) -> Any:
        """The value of `--input EXPR` in the notebook's namespace (UsageError if it fails)."""
        if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
            text = text[1:-1]
        try:
            code = compile(text, "<glove input>", "eval")
        except SyntaxError as exc:
            raise UsageError(f"--input {text!r} is not a Python expression: {exc.msg}") from None
        try:
            value = eval(code, self.shell.user_ns)
        except Exception as exc:
            raise UsageError(f"--input {text!r} cannot be evaluated: "
                             f"{type(exc).__name__}: {exc}") from None
        if value is None:
            raise UsageError(f"--input {text!r} is None: give the model's example input")
        return value

    def _session_for_variable(self, var: str) -> Session:
        if var not in self.shell.user_ns:
            raise UsageError(f"there is no variable {var!r} in this notebook; define it first "
                         f"(e.g. {var} = MyModel(...)) and run %glove show {var}")
        value = self.shell.user_ns[var]
        sessions = sessions_of(self.shell)
        links = _state(self.shell)["links"]
        session = sessions.get(var)
        link = links.get(var)
        if session is None or link is None or not link.attached():
            session = Session(value, name=var if var.isidentifier() else "model")
            links[var] = link = VariableLink(self.shell, var, session)
            session.subscribe(link)
            sessions[var] = session
        return session

    def _current(self, var: str | None) -> tuple[str, Session]:
        sessions = sessions_of(self.shell)
        if var is None:
            var = _state(self.shell)["current"]
            if var is None:
                raise UsageError("no current session: run %glove show VAR first (or pass "
                                 "--on VAR)")
        link = _state(self.shell)["links"].get(var)
        if var in sessions and link is not None and link.attached():
            return var, sessions[var]
        if var in sessions and var in self.shell.user_ns:
            print(f"{var} was reassigned in a cell: started a new session on its new value "
                  "(the earlier view no longer writes to it)")
        return var, self._session_for_variable(var)


def _widget_class(front_end: str) -> Any:
    """The widget class that draws the view in `front_end`."""
    if front_end == "lab":
        from glove_lab.notebook._widget import GloveWidget

        return GloveWidget
    if front_end == "anywidget":
        from glove_lab.notebook._anywidget import GloveAnyWidget

        return GloveAnyWidget
    from glove_lab.notebook._plain import PlainGloveWidget

    return PlainGloveWidget


def load_ipython_extension(ipython: Any) -> None:
    """Register `%glove` with an IPython shell (`%load_ext glove_lab`)."""
    magics = GloveMagics(ipython)
    ipython.register_magics(magics)
    events = getattr(ipython, "events", None)
    if events is not None:
        events.register("post_run_cell", magics.check_variables)
