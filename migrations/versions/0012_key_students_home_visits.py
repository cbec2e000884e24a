"""key students (重点学生), home visits (家访) and their tasks; training hours and trainer on campaign activities

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 01:15:48.443845

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('key_students',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('student_no', sa.String(length=32), nullable=False),
    sa.Column('flags', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_key_students_class_id_school_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_key_students_created_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_key_students_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_students'))
    )
    with op.batch_alter_table('key_students', schema=None) as batch_op:
        batch_op.create_index('ix_key_students_class_current', ['class_id', 'removed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_students_school_id'), ['school_id'], unique=False)

    op.create_table('home_visit_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_student_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('round_key', sa.String(length=32), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'overdue', 'done', 'missed', name='visitstatus', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_home_visit_tasks_class_id_school_classes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['key_student_id'], ['key_students.id'], name=op.f('fk_home_visit_tasks_key_student_id_key_students'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_home_visit_tasks_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_visit_tasks')),
    sa.UniqueConstraint('key_student_id', 'round_key', name=op.f('uq_home_visit_tasks_key_student_id_round_key'))
    )
    with op.batch_alter_table('home_visit_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_visit_tasks_class_id'), ['class_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_visit_tasks_school_id'), ['school_id'], unique=False)

    op.create_table('home_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_student_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('form', sa.Enum('home', 'phone', 'video', name='visitform', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('visitor', sa.String(length=100), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('follow_up', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['key_student_id'], ['key_students.id'], name=op.f('fk_home_visits_key_student_id_key_students'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_home_visits_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_home_visits_school_id_schools')),
    sa.ForeignKeyConstraint(['task_id'], ['home_visit_tasks.id'], name=op.f('fk_home_visits_task_id_home_visit_tasks'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_visits'))
    )
    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_visits_key_student_id'), ['key_student_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_visits_school_id'), ['school_id'], unique=False)

    with op.batch_alter_table('campaign_activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hours', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('trainer', sa.String(length=100), nullable=False, server_default=''))
    # The default only fills existing rows; the model gives new rows theirs.
    with op.batch_alter_table('campaign_activities', schema=None) as batch_op:
        batch_op.alter_column('trainer', server_default=None)



def downgrade():
    with op.batch_alter_table('campaign_activities', schema=None) as batch_op:
        batch_op.drop_column('trainer')
        batch_op.drop_column('hours')

    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_visits_school_id'))
        batch_op.drop_index(batch_op.f('ix_home_visits_key_student_id'))

    op.drop_table('home_visits')
    with op.batch_alter_table('home_visit_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_visit_tasks_school_id'))
        batch_op.drop_index(batch_op.f('ix_home_visit_tasks_class_id'))

    op.drop_table('home_visit_tasks')
    with op.batch_alter_table('key_students', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_students_school_id'))
        batch_op.drop_index('ix_key_students_class_current')

    op.drop_table('key_students')
