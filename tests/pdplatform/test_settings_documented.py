"""Every environment variable settings.py reads is in .env.example and in the README's settings table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(r'\benv(?:_bool|_list|_int)?\(\s*"([A-Z][A-Z0-9_]+)"')


def _variables() -> set[str]:
    return set(READ.findall((ROOT / "pdplatform" / "settings.py").read_text()))


def test_the_probe_finds_the_variables():
    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "REDIS_URL"} <= _variables()


def test_every_variable_is_in_env_example():
    example = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert sorted(_variables() - example) == []


def test_every_variable_is_in_the_readme_table():
    table = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)` \|", (ROOT / "README.md").read_text(), re.M))
    assert sorted(_variables() - table) == []
