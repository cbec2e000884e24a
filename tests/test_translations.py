"""Every user-facing string has a zh-CN translation, and the compiled catalogue is current."""
import re
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


def _library_messages() -> set[str]:
    """Every field message marshmallow, webargs and flask-smorest can raise on input, values filled in."""
    import inspect
    from itertools import product

    import flask_smorest.fields
    import marshmallow as ma
    import webargs.fields
    from marshmallow import validate

    templates = set(ma.Schema._default_error_messages.values())
    for module in (ma.fields, webargs.fields, flask_smorest.fields):
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, ma.fields.Field):
                for base in cls.__mro__:
                    templates.update(getattr(base, "default_error_messages", {}).values())
    for cls in vars(validate).values():
        if inspect.isclass(cls) and issubclass(cls, validate.Validator) and cls is not validate.Range:
            templates.update(value for name, value in vars(cls).items()
                             if isinstance(value, str) and (name.startswith("message") or name == "default_message"))
    bounds = validate.Range
    for low, high in product((bounds.message_gte, bounds.message_gt), (bounds.message_lte, bounds.message_lt)):
        templates.update(text.format(min_op=low, max_op=high)
                         for text in (bounds.message_min, bounds.message_max, bounds.message_all))
    templates = {t for t in templates if "cannot be formatted" not in t}  # raised when dumping, not on input
    messages = set()
    for template in templates:  # the date-time fields' wording: "Not a valid aware datetime.", "… date."
        kinds = ("datetime",) if "{awareness}" in template else ("datetime", "date", "time")
        for awareness, kind in product(("aware", "naive"), kinds):
            messages.add(template.replace("{awareness}", awareness).replace("{obj_type}", kind))
    return {re.sub(r"\{\w+\}", "7", m) for m in messages}


def test_the_libraries_field_messages_are_translated(app):
    """They reach the phone under `fields` beside a Chinese message (safety/core/messages.py lists them)."""
    from safety.core.messages import translate
    messages = _library_messages()
    assert len(messages) > 40 and "Missing data for required field." in messages
    with app.test_request_context("/", headers={"Accept-Language": "zh-CN"}):
        untranslated = sorted(m for m in messages if translate(m) == m)
        assert translate("Length must be between 1 and 300.") == "长度必须在 1 到 300 之间。"
    assert untranslated == [], "add them to safety/core/messages.py and translate them"


def test_chinese_translations_use_full_width_punctuation():
    """状态： not 状态:, （PDF） not (PDF) beside Chinese; the pages' sweep checks what templates add around them."""
    half_width = re.compile(r"[\u4e00-\u9fff][:,;?!()]|[:,;?!()][\u4e00-\u9fff]")
    found = [string for message in _catalogue() if message.id
             for string in ((message.string,) if isinstance(message.string, str) else message.string)
             if string and half_width.search(string)]
    assert found == []
