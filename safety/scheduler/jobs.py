"""Every module that declares jobs, imported once so the registry is complete."""
from ..campaigns.incidents import jobs as incident_jobs  # noqa: F401
from ..campaigns.runs import jobs as campaign_jobs  # noqa: F401
from ..drills import jobs as drill_jobs  # noqa: F401
from ..escalations import jobs as escalation_jobs  # noqa: F401
from ..hazards import jobs as hazard_jobs  # noqa: F401
from ..inspections import jobs as inspection_jobs  # noqa: F401
from ..notifications import jobs as notification_jobs  # noqa: F401
from ..photos import jobs as photo_jobs  # noqa: F401
from ..points import jobs as point_jobs  # noqa: F401
from ..returns import jobs as return_jobs  # noqa: F401
from ..rounds import jobs as round_jobs  # noqa: F401
from ..students import jobs as student_jobs  # noqa: F401
from . import housekeeping  # noqa: F401
