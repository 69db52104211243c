"""Dependencies between our apps are plain top-level imports (import-linter checks their direction):
no `apps.get_model("other_app", ...)` and no import of another app inside a function. An AppConfig's
ready() may import (Django runs it once the app registry is ready); migrations use apps.get_model by design."""

import ast
from pathlib import Path

import pytest

from tests.conftest import our_packages

ROOT = Path(__file__).resolve().parents[2]
APPS = our_packages()


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def _hidden(app: str, tree: ast.AST) -> list[str]:
    found = []
    for func in ast.walk(tree):
        if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name == "ready":
            continue
        for node in ast.walk(func):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                top = node.module.split(".")[0]
                if top in APPS and top != app:
                    found.append(f"line {node.lineno}: from {node.module} import ...")
            elif isinstance(node, ast.Import):
                found += [
                    f"line {node.lineno}: import {a.name}"
                    for a in node.names
                    if a.name.split(".")[0] in APPS and a.name.split(".")[0] != app
                ]
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get_model"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).split(".")[0] != app
            ):
                found.append(f"line {node.lineno}: get_model({node.args[0].value!r})")
    return found


@pytest.mark.parametrize(("app", "path"), list(_sources()), ids=lambda v: str(v).replace(str(ROOT) + "/", ""))
def test_no_hidden_cross_app_dependency(app, path):
    assert _hidden(app, ast.parse(path.read_text(), str(path))) == []


def test_the_check_finds_a_hidden_dependency():
    code = 'def f():\n    from cohorts.models import Cohort\n    return apps.get_model("cohorts", "Cohort")\n'
    assert _hidden("communities", ast.parse(code)) == [
        "line 2: from cohorts.models import ...",
        "line 3: get_model('cohorts')",
    ]
