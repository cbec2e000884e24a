"""drill records, night drills, new kinds (stampede, air raid), schools open in the holidays

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 19:12:21.788815

"""
from alembic import op
import sqlalchemy as sa

OLD_KINDS = ('fire', 'earthquake', 'intruder', 'flood', 'typhoon', 'bus_evacuation')
NEW_KINDS = OLD_KINDS + ('stampede', 'air_raid')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('drill_evacuations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('building', sa.String(length=100), nullable=False),
    sa.Column('floors', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.Column('slow', sa.Boolean(), nullable=False),
    sa.CheckConstraint('floors >= 1 AND seconds >= 1', name=op.f('ck_drill_evacuations_positive')),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_evacuations_drill_id_drills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_evacuations'))
    )
    with op.batch_alter_table('drill_evacuations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_evacuations_drill_id'), ['drill_id'], unique=False)

    op.create_table('drill_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('mime', sa.String(length=100), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_plans_drill_id_drills')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_drill_plans_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_plans')),
    sa.UniqueConstraint('drill_id', name=op.f('uq_drill_plans_drill_id'))
    )
    op.create_table('drill_improvements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('drill_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('action', sa.Enum('note', 'hazard', 'task', name='improvementaction', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("action != 'task' OR (owner_id IS NOT NULL AND due_on IS NOT NULL)", name=op.f('ck_drill_improvements_task_has_owner')),
    sa.ForeignKeyConstraint(['drill_id'], ['drills.id'], name=op.f('fk_drill_improvements_drill_id_drills')),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_drill_improvements_hazard_id_hazards')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_drill_improvements_owner_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_drill_improvements_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drill_improvements'))
    )
    with op.batch_alter_table('drill_improvements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drill_improvements_drill_id'), ['drill_id'], unique=False)
        batch_op.create_index('ix_drill_improvements_owner_done', ['owner_id', 'done_at'], unique=False)

    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scenario', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('mode', sa.Enum('announced', 'surprise', name='drillmode', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('time_of_day', sa.Enum('class_time', 'break_time', 'meal', 'nap', 'night', name='drilltime', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('place', sa.Enum('teaching_building', 'dormitory', 'canteen', 'playground', 'school_bus', 'other', name='drillplace', native_enum=False, create_constraint=True, length=32), nullable=True))
        batch_op.add_column(sa.Column('staff_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('student_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('head_count_done', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('injuries', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('injury_notes', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('review', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('phases', sa.String(length=200), nullable=False, server_default=''))
        batch_op.drop_constraint(op.f('ck_drills_participants_not_negative'), type_='check')
        batch_op.drop_column('participants')
        batch_op.create_check_constraint(op.f('ck_drills_counts_not_negative'),
                                         'staff_count >= 0 AND student_count >= 0')
        batch_op.create_check_constraint(op.f('ck_drills_injuries_not_negative'), 'injuries >= 0')
        batch_op.drop_constraint(op.f('ck_drills_requirement_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_drills_requirement_known'),
                                         _in('requirement', ('evacuation', 'bus', 'night')))
        batch_op.drop_constraint(op.f('ck_drills_drillkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_drills_drillkind'), _in('kind', NEW_KINDS))

    with op.batch_alter_table('drills', schema=None) as batch_op:  # defaults were only for the existing rows
        for column in ('scenario', 'injury_notes', 'review', 'phases'):
            batch_op.alter_column(column, server_default=None)

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_in_holidays', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.alter_column('open_in_holidays', server_default=None)



def downgrade():
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('open_in_holidays')

    op.execute("DELETE FROM drills WHERE requirement = 'night' OR kind IN ('stampede', 'air_raid')")
    with op.batch_alter_table('drills', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_drills_drillkind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_drills_drillkind'), _in('kind', OLD_KINDS))
        batch_op.drop_constraint(op.f('ck_drills_requirement_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_drills_requirement_known'), _in('requirement', ('evacuation', 'bus')))
        batch_op.drop_constraint(op.f('ck_drills_injuries_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_drills_counts_not_negative'), type_='check')
        batch_op.add_column(sa.Column('participants', sa.INTEGER(), nullable=True))
        batch_op.create_check_constraint(op.f('ck_drills_participants_not_negative'), 'participants >= 0')
        for enum in ('drillmode', 'drilltime', 'drillplace'):
            batch_op.drop_constraint(op.f(f'ck_drills_{enum}'), type_='check')
        batch_op.drop_column('phases')
        batch_op.drop_column('review')
        batch_op.drop_column('injury_notes')
        batch_op.drop_column('injuries')
        batch_op.drop_column('head_count_done')
        batch_op.drop_column('student_count')
        batch_op.drop_column('staff_count')
        batch_op.drop_column('place')
        batch_op.drop_column('time_of_day')
        batch_op.drop_column('mode')
        batch_op.drop_column('scenario')

    with op.batch_alter_table('drill_improvements', schema=None) as batch_op:
        batch_op.drop_index('ix_drill_improvements_owner_done')
        batch_op.drop_index(batch_op.f('ix_drill_improvements_drill_id'))

    op.drop_table('drill_improvements')
    op.drop_table('drill_plans')
    with op.batch_alter_table('drill_evacuations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drill_evacuations_drill_id'))

    op.drop_table('drill_evacuations')
