"""Cached-page scopes of courses' rows: what all pages may show, changed by staff."""

from core.caching import EVERYONE, scopes_declare

from .models import Assignment, Course, FaqEntry, Lesson, Module


def declare() -> None:
    scopes_declare(Course, lambda row: EVERYONE, relations=True)
    for model in (Module, Lesson, Assignment, FaqEntry):
        scopes_declare(model, lambda row: EVERYONE)
