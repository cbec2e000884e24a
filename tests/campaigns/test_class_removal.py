"""Removing a class: allowed while nothing refers to it, refused in words once campaign work does; both audited."""
from sqlalchemy import select

from safety.audit.models import AuditEvent
from safety.extensions import db
from safety.schools.models import SchoolClass
from tests.campaigns.conftest import at, campaign, run


def test_a_class_is_removed_until_campaign_work_refers_to_it(api, world, season):
    moment = at(2027, 3, 20)
    added = api.post(f"/api/v1/schools/{world.school_a.id}/classes", "principal_a", moment,
                     json={"grade": 6, "name": "9班", "student_count": 40})
    assert added.status_code == 201, added.json
    renamed = api.patch(f"/api/v1/classes/{added.json['id']}", "principal_a", moment, json={"name": "10班"})
    assert renamed.json["name"] == "10班"
    assert api.delete(f"/api/v1/classes/{added.json['id']}", "principal_a", moment).status_code == 204

    run("campaign_calendar", at(2027, 4, 1, 0, 30))  # the season opens: a task for every class
    assert campaign("anti_drowning") is not None
    busy = season.classes_a[0]
    refused = api.delete(f"/api/v1/classes/{busy.id}", "principal_a", at(2027, 4, 2))
    assert refused.status_code == 409 and refused.json["error"]["code"] == "class_in_use", refused.json
    db.session.expire_all()
    assert db.session.get(SchoolClass, busy.id) is not None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_type == "class",
                                                                 AuditEvent.object_id == str(added.json["id"]))
                                 .order_by(AuditEvent.id)).all()
    assert actions == ["class.created", "class.updated", "class.removed"]
