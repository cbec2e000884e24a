"""URL converters: values a database cannot look up do not match (404) instead of reaching SQL.

An `<int:...>` beyond the INTEGER range, and a text segment holding NUL (PostgreSQL refuses it in a query).
"""
from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter

from .schemas import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00]", 1)


def init_routing(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.url_map.converters["string"] = app.url_map.converters["default"] = TextConverter
