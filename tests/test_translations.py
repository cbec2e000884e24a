"""Every user-facing string has a zh-CN translation, and the compiled catalogue is current."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "safety/translations/zh_Hans_CN/LC_MESSAGES"
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}


def _catalogue():
    with open(CATALOGUE / "messages.po", "rb") as f:
        return read_po(f)


def test_every_string_in_the_code_is_translated():
    catalogue = _catalogue()
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = {m[2] if isinstance(m[2], str) else m[2][0]
             for m in extract_from_dir(str(ROOT / "safety"), method_map=method_map, keywords=KEYWORDS)}
    missing = sorted(msgid for msgid in found if not (catalogue.get(msgid) and catalogue.get(msgid).string))
    assert missing == [], "run scripts/i18n.sh and translate: " + "; ".join(missing)


def _messages(catalogue):
    """The translations a catalogue carries, without its header (which names the Babel version that wrote it)."""
    def key(value):
        return value if isinstance(value, str) else tuple(value)
    return {key(message.id): key(message.string) for message in catalogue if message.id}


def test_compiled_catalogue_matches_the_po_file():
    with open(CATALOGUE / "messages.mo", "rb") as f:
        compiled = read_mo(f)
    assert _messages(compiled) == _messages(_catalogue()), "run scripts/i18n.sh"
