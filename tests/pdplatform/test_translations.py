"""Every shipped string is translated into Russian and Ukrainian, and the committed .mo match the .po."""

import gettext
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PO_FILES = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))


def test_ru_and_uk_catalogues_exist():
    languages = {po.parts[-3] for po in PO_FILES}
    assert {"ru", "uk"} <= languages


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_every_string_is_translated(po_path):
    po = polib.pofile(str(po_path))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert missing == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=lambda p: f"{p.parts[-3]}/{p.name}")
def test_compiled_catalogue_matches_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run make compilemessages"
    with mo_path.open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    po = polib.pofile(str(po_path))
    for entry in po.translated_entries():
        if entry.msgid_plural:
            got = catalogue.ngettext(entry.msgid, entry.msgid_plural, 1) if not entry.msgctxt else None
            if got is not None:
                assert got == entry.msgstr_plural[0], entry.msgid
            continue
        if entry.msgctxt:
            assert catalogue.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert catalogue.gettext(entry.msgid) == entry.msgstr, entry.msgid
