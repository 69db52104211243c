"""Numbers people read: one way to say "N hours" in every language the site speaks.

`hours_label(72)` is "72 часа" in Russian, "72 години" in Ukrainian, "72 hours" in English; the number
is written the locale's way (`1,5` in Russian). Templates use the `|hours` filter (`{% load pd_format %}`).
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import ngettext

# Russian and Ukrainian use the "few" form for fractions ("1,5 часа", "2,5 години"); so does English
# ("1.5 hours"). gettext plural rules take whole numbers only, and 2 selects that form in all three.
_FRACTION_PLURAL_N = 2


def hours_label(value) -> str:
    """`value` academic hours (int, float, Decimal or None) with the plural form of the active language."""
    amount = Decimal(str(value or 0)).normalize()
    if amount == amount.to_integral_value():
        amount = amount.quantize(Decimal(1))
        count = int(amount)
    else:
        count = _FRACTION_PLURAL_N
    text = number_format(amount, use_l10n=True)
    return ngettext("%(hours)s hour", "%(hours)s hours", count) % {"hours": text}
