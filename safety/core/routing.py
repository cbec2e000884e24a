"""URL converters: an `<int:...>` beyond the INTEGER range does not match (404) instead of reaching SQL."""
from flask import Flask
from werkzeug.routing import IntegerConverter

from .schemas import MAX_ID


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_routing(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntegerConverter
