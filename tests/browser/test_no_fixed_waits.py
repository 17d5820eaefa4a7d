"""Browser tests wait on state (a selector, the script-run indicator, a predicate in the page), never on a fixed
sleep: a fixed wait is too short under load and too long otherwise. Static check of tests/browser/*.py; the one
allowed sleep is the health-endpoint poll ``conftest.wait_until_healthy`` (the server is a separate process, not a
page): a test that starts its own server calls ``start_app`` (``address=`` for another listening address) or that
helper instead of copying the loop."""

from __future__ import annotations

import ast
from pathlib import Path

BROWSER_TESTS = Path(__file__).resolve().parent
ALLOWED = {("conftest.py", "wait_until_healthy")}  # (file, enclosing function)


def _is_fixed_wait(call: ast.Call, sleep_names: set[str]) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr == "wait_for_timeout":
            return True
        return func.attr == "sleep" and isinstance(func.value, ast.Name) and func.value.id in {"time", "asyncio"}
    return isinstance(func, ast.Name) and func.id in sleep_names


def fixed_waits(path: Path) -> list[str]:
    """``file:line in function`` for every fixed wait in ``path`` outside the allowed helper."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    sleep_names = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                   and node.module in ("time", "asyncio") for alias in node.names if alias.name == "sleep"}
    found: list[str] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else function
            if isinstance(child, ast.Call) and _is_fixed_wait(child, sleep_names) \
                    and (path.name, function) not in ALLOWED:
                found.append(f"{path.name}:{child.lineno} in {function or '<module>'}")
            visit(child, name)

    visit(tree, "")
    return found


def test_browser_tests_never_wait_a_fixed_time() -> None:
    files = sorted(BROWSER_TESTS.glob("*.py"))
    assert any(p.name == "conftest.py" for p in files)
    found = [hit for p in files for hit in fixed_waits(p)]
    assert found == [], "wait on state (a selector, wait_idle, frame_where, expect) instead of: " + ", ".join(found)


def test_the_check_sees_each_kind_of_fixed_wait(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text("import time\nfrom time import sleep as nap\n\n"
                      "def f(page):\n    page.wait_for_timeout(100)\n    time.sleep(1)\n    nap(1)\n"
                      "    page.wait_for_selector('x')\n", encoding="utf-8")
    assert fixed_waits(sample) == ["test_sample.py:5 in f", "test_sample.py:6 in f", "test_sample.py:7 in f"]
