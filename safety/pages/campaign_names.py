"""What the campaign pages call the committee's roles and seats and an incident's statuses, moves, determinations
and measures, in the reader's language (the values are the API's)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..campaigns.models import CommitteeRole, CommitteeSeat, Determination, IncidentStatus

ROLE = {CommitteeRole.chair: _l("Chair"), CommitteeRole.deputy: _l("Deputy chair"),
        CommitteeRole.member: _l("Member"), CommitteeRole.secretary: _l("Secretary")}
SEAT = {CommitteeSeat.staff: _l("Staff (teachers and others)"),
        CommitteeSeat.legal_vice_principal: _l("Legal vice-principal"),
        CommitteeSeat.parent: _l("Parent representative"), CommitteeSeat.community: _l("Community worker"),
        CommitteeSeat.expert: _l("Outside expert"), CommitteeSeat.student: _l("Student representative")}
INCIDENT_STATUS = {IncidentStatus.received: _l("Received"),
                   IncidentStatus.investigating: _l("Under investigation"),
                   IncidentStatus.determined: _l("Determined"),
                   IncidentStatus.appealed: _l("Appealed, under review"),
                   IncidentStatus.handled: _l("Handled"), IncidentStatus.closed: _l("Case closed")}
MOVE = {IncidentStatus.investigating: _l("Start the investigation"),
        IncidentStatus.determined: _l("Record the determination"), IncidentStatus.appealed: _l("Record an appeal"),
        IncidentStatus.handled: _l("Record the handling"), IncidentStatus.closed: _l("Close the incident")}
DETERMINATION = {Determination.confirmed: _l("Bullying confirmed"), Determination.not_confirmed: _l("Not bullying")}
# The measures of the shipped rules (incidents/rules.toml); a region's own flag shows as written.
MEASURE = {"criticism": _l("Criticism and education"), "education_discipline": _l("Educational discipline"),
           "special_education": _l("Special education"), "police_referral": _l("Referred to the police"),
           "psychological_support": _l("Psychological support")}


def measure(flag: str) -> str:
    return str(MEASURE.get(flag, flag))


def _seats(text: str) -> str:
    return " / ".join(str(SEAT[CommitteeSeat(seat)]) for seat in text.split("|"))


def missing(item: str) -> str:
    """A gap the composition check names: `chair:<seat>`, seats joined by `|`, or one seat."""
    if item.startswith("chair:"):
        return str(_l("A chair from: %(seats)s", seats=_seats(item.removeprefix("chair:"))))
    return str(_l("A member from: %(seats)s", seats=_seats(item)))
