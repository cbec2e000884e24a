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
from .layouts import POINT_LABEL, Layout, LayoutError, available_layouts, layouts_for, load_layout
from .render import LabelContent, render_pdf, render_png


def layout_named(name: str, purpose: str = POINT_LABEL) -> Layout:
    """The layout called `name`, if it prints `purpose` (a receipt slip is no point label): else 422."""
    if name in available_layouts():
        try:
            layout = load_layout(name)
        except LayoutError as error:  # a broken layout file is the operator's to fix; say exactly what is wrong
            raise Invalid(str(error), code="label_template_invalid") from None
        if layout.purpose == purpose:
            return layout
    names = ", ".join(layout.name for layout in layouts_for(purpose))
    raise Invalid(fields={"template": [_("No label template %(name)s for this purpose; choose one of: %(names)s.",
                                         name=name, names=names)]})


def point_label_layouts() -> list[Layout]:
    """What a school may print its points' labels with (for the page's picker)."""
    return layouts_for(POINT_LABEL)


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
