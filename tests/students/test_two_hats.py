"""Key students with two hats: a school's safety officer who also teaches a class at another school keeps that
class's key students too, and no other class's there."""
from safety.accounts.models import Role, RoleAssignment
from safety.extensions import db
from tests.campaigns.conftest import at
from tests.campaigns.test_class_teachers import make_teacher
from tests.students.test_key_students import add


def test_a_safety_officer_who_teaches_a_class_at_another_school_keeps_its_key_students(api, world, season):
    taught = season.classes_c[0]
    make_teacher(world, taught, username="officer_and_teacher")
    world.officer_and_teacher.roles.append(RoleAssignment(role=Role.inspector, school=world.school_a))
    db.session.commit()
    moment = at(2027, 4, 8)
    mine = add(api, "officer_and_teacher", taught, moment)
    assert mine.status_code == 201, mine.json
    listed = api.get(f"/api/v1/classes/{taught.id}/key-students", "officer_and_teacher", moment).json["students"]
    assert [s["id"] for s in listed] == [mine.json["id"]]
    assert add(api, "officer_and_teacher", season.classes_a[0], moment, name="李华").status_code == 201
    assert add(api, "officer_and_teacher", season.classes_c[1], moment, name="王芳").status_code == 404
