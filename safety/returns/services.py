"""Monthly returns: the school's draft from the month's data, explicit submission (nil returns included), the
district's view of who has and has not submitted, its sums, and forwarding them to the city."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, literal, select

from ..accounts.models import User
from ..accounts.scope import Capability, may_region, require_school, school_ids
from ..audit.services import record
from ..core.clock import now
from ..errors import Conflict, Forbidden
from ..extensions import db
from ..schools.models import Region, RegionLevel, School
from ..schools.services import get_region
from .figures import FIGURES, NAMES, is_nil
from .models import DistrictReturn, MonthlyReturn, ReturnStatus
from .rules import bounds, current_rules, due_at


def live_figures(school_ids_query: Select, month: str) -> dict[int, dict]:
    """school id → the month's figures, computed in one statement for all the schools."""
    start, end = bounds(current_rules(), month)
    rows = db.session.execute(
        select(School.id, *(f.count(School.id, start, end).label(f.name) for f in FIGURES))
        .where(School.id.in_(school_ids_query))).all()
    return {row.id: {name: getattr(row, name) for name in NAMES} for row in rows}


def _row(school: School, month: str) -> MonthlyReturn | None:
    return db.session.scalar(select(MonthlyReturn).where(MonthlyReturn.school_id == school.id,
                                                         MonthlyReturn.month == month))


def _due_at(school: School, month: str):
    return db.session.scalar(select(due_at(current_rules(), month)).select_from(School)
                             .join(Region, Region.id == School.region_id).where(School.id == school.id))


def draft(actor: User, school_id: int, month: str) -> dict:
    """The school's return for a month: as submitted, or drafted now from the month's data."""
    school = require_school(actor, school_id)
    row = _row(school, month)
    if row is not None and row.status == ReturnStatus.submitted:
        return _present(school, month, row, {name: getattr(row, name) for name in NAMES})
    figures = live_figures(select(literal(school.id)), month)[school.id]
    return _present(school, month, row, figures)


def _present(school: School, month: str, row: MonthlyReturn | None, figures: dict) -> dict:
    due = row.due_at if row else _due_at(school, month)
    submitted = row is not None and row.status == ReturnStatus.submitted
    return {"school_id": school.id, "school": school, "month": month, "due_at": due,
            "status": row.status if row else ReturnStatus.pending, "submitted_at": row.submitted_at if row else None,
            "late": row.late if submitted else due < now(), "nil_return": is_nil(figures),
            "remarks": row.remarks if row else "", "figures": figures}


def submit(actor: User, school_id: int, month: str, remarks: str) -> dict:
    """The principal submits the month's return, once, after the month ended: the figures are frozen as drafted
    now; nothing found is a nil return (零报告); after the due day it is flagged late."""
    school = require_school(actor, school_id, Capability.manage)
    if now() < bounds(current_rules(), month)[1]:
        raise Conflict(_("A month's return can be submitted once the month is over."), code="month_not_over")
    row = _row(school, month)
    if row is not None and row.status == ReturnStatus.submitted:
        raise Conflict(_("This month's return was already submitted."), code="already_submitted")
    if row is None:
        row = MonthlyReturn(school_id=school.id, month=month, due_at=_due_at(school, month))
        db.session.add(row)
    figures = live_figures(select(literal(school.id)), month)[school.id]
    for name, value in figures.items():
        setattr(row, name, value)
    row.status, row.submitted_at, row.submitted_by_id = ReturnStatus.submitted, now(), actor.id
    row.late, row.nil_return, row.remarks = now() > row.due_at, is_nil(figures), remarks
    db.session.flush()
    record("return.submitted", actor, object_type="monthly_return", object_id=row.id, school_id=school.id,
           month=month, late=row.late, nil_return=row.nil_return)
    return _present(school, month, row, figures)


def visible_returns(actor: User, filters: dict) -> Select:
    """Returns of the schools the actor sees (opened by the scheduler when each month ended), latest first."""
    query = select(MonthlyReturn).where(MonthlyReturn.school_id.in_(school_ids(actor)))
    if school_id := filters.get("school_id"):
        query = query.where(MonthlyReturn.school_id == require_school(actor, school_id).id)
    if region_id := filters.get("region_id"):
        region = get_region(actor, region_id)
        query = query.where(MonthlyReturn.school_id.in_(_schools_below(region)))
    if month := filters.get("month"):
        query = query.where(MonthlyReturn.month == month)
    if statuses := filters.get("status"):
        query = query.where(MonthlyReturn.status.in_(statuses))
    if filters.get("late") is not None:
        late = _is_late()
        query = query.where(late if filters["late"] else ~late)
    return query.order_by(MonthlyReturn.month.desc(), MonthlyReturn.school_id)


def _is_late():
    return MonthlyReturn.late.is_(True) | ((MonthlyReturn.status == ReturnStatus.pending)
                                           & (MonthlyReturn.due_at < now()))


def _schools_below(region: Region) -> Select:
    return select(School.id).join(Region, Region.id == School.region_id) \
        .where(Region.path.startswith(region.path, autoescape=True), School.active.is_(True))


def _office_region(actor: User, region_id: int) -> Region:
    region = get_region(actor, region_id)
    if not may_region(actor, Capability.oversee, region.id):
        raise Forbidden()
    return region


def _sums(month: str, schools: Select, group=None) -> Select:
    """Counts and sums of the schools' submitted returns, grouped by `group` (None: one row)."""
    submitted = MonthlyReturn.status == ReturnStatus.submitted
    columns = [func.count(School.id).label("schools_total"),
               func.count(case((submitted, 1))).label("schools_submitted"),
               func.count(case((_is_late(), 1))).label("schools_late"),
               func.count(case((and_(submitted, MonthlyReturn.nil_return.is_(True)), 1))).label("schools_nil"),
               *(func.coalesce(func.sum(case((submitted, getattr(MonthlyReturn, n)))), 0).label(n) for n in NAMES)]
    query = select(*([group] if group is not None else []), *columns).select_from(School) \
        .outerjoin(MonthlyReturn, and_(MonthlyReturn.school_id == School.id, MonthlyReturn.month == month)) \
        .where(School.id.in_(schools))
    return query.group_by(group) if group is not None else query


def aggregate(actor: User, region_id: int, month: str) -> dict:
    """What an office sees for a month: each school's status and figures, the totals, and for a city each
    district's totals with whether the district forwarded its return. Sums and counts are SQL aggregates."""
    region = _office_region(actor, region_id)
    bounds(current_rules(), month)  # a malformed month is a 404 before any query
    schools = _schools_below(region)
    rows = db.session.execute(
        select(School, MonthlyReturn).outerjoin(MonthlyReturn, and_(MonthlyReturn.school_id == School.id,
                                                                    MonthlyReturn.month == month))
        .where(School.id.in_(schools)).order_by(School.code)).all()
    totals = db.session.execute(_sums(month, schools)).one()
    return {"region": region, "month": month, "schools": [_school_line(school, row) for school, row in rows],
            "totals": dict(totals._mapping), "districts": _district_lines(region, month, schools),
            "forwarded": _forwarded(region, month)}


def _school_line(school: School, row: MonthlyReturn | None) -> dict:
    submitted = row is not None and row.status == ReturnStatus.submitted
    return {"school_id": school.id, "school": school, "status": row.status if row else ReturnStatus.pending,
            "due_at": row.due_at if row else None, "submitted_at": row.submitted_at if row else None,
            "late": bool(row and (row.late or (not submitted and row.due_at < now()))),
            "nil_return": bool(submitted and row.nil_return),
            "figures": {n: getattr(row, n) for n in NAMES} if submitted else None}


def _district_lines(region: Region, month: str, schools: Select) -> list[dict]:
    if region.level == RegionLevel.district:
        return []
    child, school_region = db.aliased(Region), db.aliased(Region)
    grouped = _sums(month, schools, child.id).join(school_region, school_region.id == School.region_id) \
        .join(child, and_(child.parent_id == region.id, school_region.path.startswith(child.path)))
    forwarded = dict(db.session.execute(select(DistrictReturn.region_id, DistrictReturn.forwarded_at)
                                        .where(DistrictReturn.month == month)).all())
    names = {r.id: r for r in db.session.scalars(select(Region).where(Region.parent_id == region.id))}
    lines = [{"region": names[row.id], "forwarded_at": forwarded.get(row.id),
              **{k: v for k, v in row._mapping.items() if k != "id"}} for row in db.session.execute(grouped)]
    return sorted(lines, key=lambda line: line["region"].code)


def _forwarded(region: Region, month: str) -> DistrictReturn | None:
    return db.session.scalar(select(DistrictReturn).where(DistrictReturn.region_id == region.id,
                                                          DistrictReturn.month == month))


def forward(actor: User, region_id: int, month: str, remarks: str) -> DistrictReturn:
    """A district office forwards its month to the city, once: the sums of its schools' submitted returns now,
    with how many submitted, were late and were nil returns."""
    region = _office_region(actor, region_id)
    if region.level != RegionLevel.district:
        raise Conflict(_("Only a district forwards its return to the city."), code="not_a_district")
    if now() < bounds(current_rules(), month)[1]:
        raise Conflict(_("A month's return can be submitted once the month is over."), code="month_not_over")
    if _forwarded(region, month) is not None:
        raise Conflict(_("This month's return was already forwarded."), code="already_forwarded")
    sums = db.session.execute(_sums(month, _schools_below(region))).one()
    forwarded = DistrictReturn(region_id=region.id, month=month, remarks=remarks, forwarded_by_id=actor.id,
                               forwarded_at=now(), **dict(sums._mapping))
    db.session.add(forwarded)
    db.session.flush()
    record("return.forwarded", actor, object_type="district_return", object_id=forwarded.id, region_id=region.id,
           month=month, schools_submitted=forwarded.schools_submitted, schools_total=forwarded.schools_total)
    return forwarded
