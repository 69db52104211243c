"""Cached-page scopes of communities' rows (see core/caching.py and docs/caching.md)."""

from accounts.scopes import teachers_scopes
from core.caching import EVERYONE, people_scopes, scopes_declare

from . import models
from .selectors import FORUM_SCOPE, reader_scope


def declare() -> None:
    scopes_declare(models.Community, lambda row: EVERYONE)
    scopes_declare(models.Event, lambda row: EVERYONE)
    scopes_declare(models.Membership, lambda row: people_scopes(row.user_id))
    # attended events count in the hours report
    scopes_declare(models.Registration, lambda row: teachers_scopes([row.user_id]))
    # the unread badge (selectors.unread_topic_count_cached): any post or topic for everyone's count,
    # a person's own follows, involvements and read markers for theirs (read markers move by update(),
    # so services.topic_mark_read renews the scope itself)
    scopes_declare(models.Topic, lambda row: (FORUM_SCOPE,))
    scopes_declare(models.Post, lambda row: (FORUM_SCOPE,))
    scopes_declare(models.TopicFollow, lambda row: (reader_scope(row.user_id),))
    scopes_declare(models.TopicInvolvement, lambda row: (reader_scope(row.user_id),))
    scopes_declare(models.TopicRead, lambda row: (reader_scope(row.user_id),))
