from .selectors import unread_topic_count_cached


def unread_topics(request):
    """The communities link's "unread topics" badge (navbar, cabinet): read from the cache only, never a
    query while a page renders; when it is not cached (-1) the page shows a placeholder that htmx fills
    from views.unread_badge, which counts once and caches it until something it counts changes.
    A plain int (not lazy): templates count plurals with it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"communities_unread": 0}
    return {"communities_unread": unread_topic_count_cached(user, compute=False)}
