"""Paginate a SQLAlchemy select: count in SQL, fetch one page, set X-Total-Count."""
from __future__ import annotations

from flask import g
from sqlalchemy import Select, func, select

from ..extensions import db


def paginate(query: Select, args: dict, *, total: int | None = None, rows: bool = False) -> dict:
    """`total`: when the caller has already counted (with its own figures); `rows`: items are the query's rows
    (several columns, e.g. a union of kinds) rather than the ORM objects of its first column."""
    page, per_page = args["page"], args["per_page"]
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    window = query.limit(per_page).offset((page - 1) * per_page)
    items = db.session.execute(window).all() if rows else db.session.scalars(window).unique().all()
    g.total_count = total
    return {"items": items, "total": total, "page": page, "per_page": per_page}


def paginate_list(items: list, args: dict) -> dict:
    """The same envelope for a short list computed in Python (a school's letters, a template's versions)."""
    page, per_page = args["page"], args["per_page"]
    g.total_count = len(items)
    return {"items": items[(page - 1) * per_page:page * per_page], "total": len(items), "page": page,
            "per_page": per_page}
