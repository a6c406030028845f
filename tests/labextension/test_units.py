"""The front end's own unit tests (labextension/test/*.test.ts: keyboard map, form
parameters) under node's built-in test runner, compiled from the current source."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.labextension.conftest import node


def test_typescript_unit_tests_pass_under_node(compiled: Path) -> None:
    tests = sorted((compiled / "test").glob("*.test.js"))
    assert {t.name for t in tests} >= {"keyboard.test.js", "form.test.js"}
    result = subprocess.run([node(), "--test", *map(str, tests)], capture_output=True,
                            text=True, check=False)
    print(result.stdout[-3000:])
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr
    assert "# fail 0" in result.stdout
    passed = int(result.stdout.split("# pass ")[1].split()[0])
    assert passed >= 13
