"""Key students (重点学生) and home visits (家访): the class teacher's, the principal's and the safety officer's;
offices read a school's counts only (a student's row is 404 to them)."""
from flask.views import MethodView

from ..core.auth import current_actor
from ..core.parsing import Blueprint
from . import services
from .schemas import (
    ClassKeyStudentsSchema,
    KeyStudentCountsSchema,
    KeyStudentIn,
    KeyStudentSchema,
    KeyStudentUpdateIn,
    RemoveIn,
    VisitIn,
    VisitListSchema,
    VisitSchema,
)

blp = Blueprint("students", __name__, url_prefix="/api/v1", description="Key students and home visits")


def _present(students):
    owed = services.tasks_of([s.id for s in students])
    for student in students:
        student.visits_owed = owed.get(student.id, [])
    return students


@blp.route("/classes/<int:class_id>/key-students")
class ClassKeyStudents(MethodView):
    @blp.response(200, ClassKeyStudentsSchema)
    def get(self, class_id):
        """本班重点学生：仅本班班主任、本校校长和安全员可见

        The class's current key students with the home visits they are owed. Offices get 404: names stay in the
        school.
        """
        school_class, students = services.class_students(current_actor(), class_id)
        return {"class_id": school_class.id, "students": _present(students)}

    @blp.arguments(KeyStudentIn)
    @blp.response(201, KeyStudentSchema)
    def post(self, data, class_id):
        """Put a student on the class's key-student list, with the reasons"""
        return _present([services.add_student(current_actor(), class_id, data)])[0]


@blp.route("/key-students/<int:student_id>")
class KeyStudentDetail(MethodView):
    @blp.response(200, KeyStudentSchema)
    def get(self, student_id):
        """One key student"""
        return _present([services.get_student(current_actor(), student_id)])[0]

    @blp.arguments(KeyStudentUpdateIn)
    @blp.response(200, KeyStudentSchema)
    def patch(self, data, student_id):
        """Change a key student's name, number, reasons or notes"""
        actor = current_actor()
        return _present([services.update_student(actor, services.get_student(actor, student_id), data)])[0]

    @blp.arguments(RemoveIn, location="query")
    @blp.response(204)
    def delete(self, args, student_id):
        """Take a student off the list (the record and its visits are kept; visits still owed are missed)"""
        actor = current_actor()
        services.remove_student(actor, services.get_student(actor, student_id), args["reason"])


@blp.route("/key-students/<int:student_id>/visits")
class KeyStudentVisits(MethodView):
    @blp.response(200, VisitListSchema)
    def get(self, student_id):
        """A key student's home visits, latest first"""
        student = services.get_student(current_actor(), student_id)
        return {"key_student_id": student.id, "visits": services.visits_of(student)}

    @blp.arguments(VisitIn)
    @blp.response(201, VisitSchema)
    def post(self, data, student_id):
        """Record a home visit (入户, 电话 or 视频); it fulfils the earliest visit task owed"""
        actor = current_actor()
        return services.record_visit(actor, services.get_student(actor, student_id), data)


@blp.route("/schools/<int:school_id>/key-student-counts")
class KeyStudentCounts(MethodView):
    @blp.response(200, KeyStudentCountsSchema)
    def get(self, school_id):
        """How many key students a school keeps, per reason, and its home visits per status (no names)"""
        return services.school_counts(current_actor(), school_id)
