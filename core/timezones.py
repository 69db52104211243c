"""Time zones people pick: the region's first, by name, then every other zone grouped by continent.

`time_zone_choices()` is the one list for a form's select (Django renders the groups as `<optgroup>`):
"Our region" — Moscow, Kyiv, Minsk, Yekaterinburg … each as "City (UTC+3)" in the reader's language —
then Europe, Asia, America … with the raw IANA names, so no zone is lost. `time_zone_label(name)` is how
a chosen zone is shown back (event pages, notifications): its readable name when it is one of ours.
The offset shown is today's (Kyiv and Chișinău change it in summer; the others keep one all year).
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

REGION_ZONES: tuple[tuple[str, str | Promise], ...] = (
    ("Europe/Moscow", gettext_lazy("Moscow")),
    ("Europe/Kyiv", gettext_lazy("Kyiv")),
    ("Europe/Minsk", gettext_lazy("Minsk")),
    ("Europe/Kaliningrad", gettext_lazy("Kaliningrad")),
    ("Europe/Samara", gettext_lazy("Samara")),
    ("Europe/Volgograd", gettext_lazy("Volgograd")),
    ("Asia/Yekaterinburg", gettext_lazy("Yekaterinburg")),
    ("Asia/Omsk", gettext_lazy("Omsk")),
    ("Asia/Novosibirsk", gettext_lazy("Novosibirsk")),
    ("Asia/Krasnoyarsk", gettext_lazy("Krasnoyarsk")),
    ("Asia/Irkutsk", gettext_lazy("Irkutsk")),
    ("Asia/Yakutsk", gettext_lazy("Yakutsk")),
    ("Asia/Vladivostok", gettext_lazy("Vladivostok")),
    ("Asia/Magadan", gettext_lazy("Magadan")),
    ("Asia/Kamchatka", gettext_lazy("Petropavlovsk-Kamchatsky")),
    ("Europe/Chisinau", gettext_lazy("Chișinău")),
    ("Asia/Almaty", gettext_lazy("Almaty")),
    ("Asia/Tashkent", gettext_lazy("Tashkent")),
    ("Asia/Tbilisi", gettext_lazy("Tbilisi")),
    ("Asia/Yerevan", gettext_lazy("Yerevan")),
    ("Asia/Baku", gettext_lazy("Baku")),
)
_REGION = dict(REGION_ZONES)


def _offset(name: str) -> str:
    delta = datetime.now(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def time_zone_label(name: str) -> str:
    """ "Москва (UTC+3)" for a zone of ours, the IANA name otherwise."""
    if name in _REGION:
        return f"{_REGION[name]} ({_offset(name)})"
    return name


def all_time_zones() -> list[str]:
    """Every zone a person may choose: IANA "Area/City" names (no aliases such as `Etc/GMT+3`)."""
    return sorted(
        z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))
    )


def time_zone_choices() -> list:
    """The region first (readable, in the reader's language), then the rest grouped by area."""
    choices: list = [(_("Our region"), [(name, time_zone_label(name)) for name, _label in REGION_ZONES])]
    groups: dict[str, list] = {}
    for name in all_time_zones():
        if name not in _REGION:
            groups.setdefault(name.split("/", 1)[0], []).append((name, name.replace("_", " ")))
    choices.extend((area, zones) for area, zones in sorted(groups.items()))
    return choices
