"""A case- and ё-insensitive "contains" that works for Cyrillic on every database: `field__fold=text`.

SQLite's LIKE and `icontains` fold ASCII letters only, so "оценивание" never found "Оценивание" on the
embedded default. `fold` compares both sides after `fold_text` (Unicode casefold, ё→е): on SQLite through
a Python function registered on every new connection, on PostgreSQL through lower() and translate().
Full-text search with stemming stays PostgreSQL's (courses/search.py); this is the substring fallback.
"""

from __future__ import annotations

from typing import overload

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Lookup


@overload
def fold_text(value: None) -> None: ...
@overload
def fold_text(value: object) -> str: ...


def fold_text(value: object) -> str | None:
    if value is None:
        return None
    return str(value).casefold().replace("ё", "е")


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class FoldedContains(Lookup):
    lookup_name = "fold"

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [f"%{_escape_like(fold_text(value) or '')}%"])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "sqlite":
            return f"pd_fold({lhs}) LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]
        return (f"translate(lower({lhs}), 'ё', 'е') LIKE {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params])


def register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("pd_fold", 1, fold_text, deterministic=True)


def install() -> None:
    models.CharField.register_lookup(FoldedContains)
    models.TextField.register_lookup(FoldedContains)
    connection_created.connect(register_sqlite_function, dispatch_uid="core.search.pd_fold")
