"""Which labels a school prints, and rendering them with the school's layout of choice."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _

from ..accounts.models import User
from ..checklists.models import CATEGORY_NAMES
from ..errors import Invalid
from ..extensions import db
from ..points.models import Point
from ..points.services import qr_url, visible_points
from ..schools.models import School
from .fonts import FontMissing
from .layouts import LayoutError, available_layouts, load_layout
from .render import LabelContent, render_pdf, render_png


def layout_named(name: str):
    if name not in available_layouts():
        raise Invalid(fields={"template": [_("No label template %(name)s; choose one of: %(names)s.", name=name,
                                                 names=", ".join(available_layouts()))]})
    try:
        return load_layout(name)
    except LayoutError as error:  # a broken layout file is the operator's to fix; say exactly what is wrong
        raise Invalid(str(error), code="label_template_invalid") from None


def content(point: Point) -> LabelContent:
    return LabelContent(url=qr_url(point), school_name=point.school.name_zh, point_name=point.name_zh,
                        point_code=point.code, category=str(CATEGORY_NAMES[point.category]))


def school_points(actor: User | None, school: School, filters: dict) -> list[Point]:
    """The live points of a school to print (`actor` None: the operator's CLI)."""
    return list(db.session.scalars(visible_points(actor, {**filters, "school_id": school.id})))


def _font_path() -> str | None:
    return current_app.config.get("CJK_FONT_PATH")


def _rendering(render):
    try:
        return render()
    except FontMissing as error:
        raise Invalid(str(error), code="font_missing") from None
    except ValueError as error:  # e.g. PUBLIC_BASE_URL too long for the layout's code size
        raise Invalid(str(error), code="label_not_printable") from None


def school_labels_pdf(points: list[Point], template: str,
                      progress: Callable[[int, int], None] | None = None) -> bytes:
    if not points:
        raise Invalid(fields={"points": [_("No points to print.")]})
    layout = layout_named(template)
    labels = [content(point) for point in points]
    return _rendering(lambda: render_pdf(labels, layout, font_path=_font_path(), progress=progress))


def point_label_png(point: Point, template: str) -> bytes:
    layout = layout_named(template)
    return _rendering(lambda: render_png(content(point), layout, font_path=_font_path()))
