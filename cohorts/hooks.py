"""Extension points for apps above cohorts (communities, mentoring), so that cohorts never imports them.

An app registers, from its AppConfig.ready():

    from cohorts import hooks
    hooks.register_player_links(lambda enrollment: [{"label": _("Cohort discussion"), "url": "/…"}])

`player_links(enrollment)` gathers every provider's links for a teacher's enrolment; the player and the
lesson page show them (templates/cohorts/_related_links.html), read only when their cached fragment is
rendered anew. The same shape as courses/hooks.py.
"""

from collections.abc import Callable

_player_links: list[Callable] = []


def register_player_links(provider: Callable) -> None:
    if provider not in _player_links:
        _player_links.append(provider)


def player_links(enrollment) -> list[dict]:
    links: list[dict] = []
    for provider in _player_links:
        links.extend(provider(enrollment) or [])
    return links
