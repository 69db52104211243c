"""The code base's own rules: an application module over 500 lines says in its docstring why it is one file.

The marker is a paragraph of the module docstring starting with "One file:" followed by the reason
(what it holds, why splitting would scatter one concept). Migrations and tests are not application code.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500
MARKER = "One file:"
SKIPPED_DIRS = {".venv", "migrations", "tests", "node_modules", "static", "staticfiles"}


def long_modules_without_reason(root: Path, max_lines: int = MAX_LINES) -> list[str]:
    """Paths (relative to root) of .py files over max_lines lines whose module docstring has no MARKER."""
    found = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        if any(part in SKIPPED_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        source = path.read_text(encoding="utf-8")
        if source.count("\n") + (not source.endswith("\n")) <= max_lines:
            continue
        docstring = ast.get_docstring(ast.parse(source)) or ""
        if not any(paragraph.startswith(MARKER) for paragraph in docstring.split("\n\n")):
            found.append(str(relative))
    return found


def test_every_long_application_module_says_why_it_is_one_file():
    assert long_modules_without_reason(ROOT) == []


def test_a_long_module_without_the_marker_is_reported(tmp_path):
    app = tmp_path / "app"
    app.mkdir()
    body = "x = 1\n" * MAX_LINES
    (app / "short.py").write_text('"""Short."""\n' + "x = 1\n" * (MAX_LINES - 1))
    (app / "silent.py").write_text('"""Many things."""\n' + body)
    (app / "reasoned.py").write_text('"""Many things.\n\nOne file: they are one concept.\n"""\n' + body)
    (app / "mentions.py").write_text('"""Many things; see One file: elsewhere."""\n' + body)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_long.py").write_text(body * 2)
    (app / "migrations").mkdir()
    (app / "migrations" / "0001_initial.py").write_text(body * 2)

    assert long_modules_without_reason(tmp_path) == ["app/mentions.py", "app/silent.py"]
