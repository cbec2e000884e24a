"""class teachers (班主任) assigned to classes, and class rosters

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 22:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_ROLES = ('admin', 'safety_office', 'principal', 'inspector')
NEW_ROLES = (*OLD_ROLES, 'class_teacher')
OLD_SCOPE = ("(role = 'admin' AND school_id IS NULL AND region_id IS NULL)"
             " OR (role = 'principal' AND school_id IS NOT NULL AND region_id IS NULL)"
             " OR (role = 'safety_office' AND region_id IS NOT NULL AND school_id IS NULL)"
             " OR (role = 'inspector' AND (school_id IS NULL) <> (region_id IS NULL))")
NEW_SCOPE = ("(role = 'admin' AND school_id IS NULL AND region_id IS NULL AND class_id IS NULL)"
             " OR (role = 'principal' AND school_id IS NOT NULL AND region_id IS NULL AND class_id IS NULL)"
             " OR (role = 'safety_office' AND region_id IS NOT NULL AND school_id IS NULL AND class_id IS NULL)"
             " OR (role = 'inspector' AND (school_id IS NULL) <> (region_id IS NULL) AND class_id IS NULL)"
             " OR (role = 'class_teacher' AND school_id IS NOT NULL AND class_id IS NOT NULL AND region_id IS NULL)")


def _roles(values):
    """The role column's CHECK (a VARCHAR enum), written out: altering the type alone adds no CHECK on PostgreSQL."""
    return "role IN ({})".format(", ".join(f"'{value}'" for value in values))


def upgrade():
    op.create_table('class_roster',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('class_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('student_no', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['class_id'], ['school_classes.id'], name=op.f('fk_class_roster_class_id_school_classes'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_roster')),
    sa.UniqueConstraint('class_id', 'position', name=op.f('uq_class_roster_class_id_position'))
    )
    with op.batch_alter_table('class_roster', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_roster_class_id'), ['class_id'], unique=False)

    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('class_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_role_assignments_class_id'), ['class_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_role_assignments_class_id_school_classes'), 'school_classes',
                                    ['class_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_constraint(op.f('uq_role_assignments_user_id_role_school_id_region_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_role_assignments_user_id_role_school_id_region_id_class_id'),
                                          ['user_id', 'role', 'school_id', 'region_id', 'class_id'])
        batch_op.drop_constraint(op.f('ck_role_assignments_scope_fits_role'), type_='check')
        batch_op.create_check_constraint('scope_fits_role', NEW_SCOPE)
        batch_op.drop_constraint(op.f('ck_role_assignments_role'), type_='check')
        batch_op.create_check_constraint('role', _roles(NEW_ROLES))


def downgrade():
    op.execute("DELETE FROM role_assignments WHERE role = 'class_teacher'")
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_assignments_role'), type_='check')
        batch_op.create_check_constraint('role', _roles(OLD_ROLES))
        batch_op.drop_constraint(op.f('ck_role_assignments_scope_fits_role'), type_='check')
        batch_op.create_check_constraint('scope_fits_role', OLD_SCOPE)
        batch_op.drop_constraint(op.f('uq_role_assignments_user_id_role_school_id_region_id_class_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_role_assignments_user_id_role_school_id_region_id'),
                                          ['user_id', 'role', 'school_id', 'region_id'])
        batch_op.drop_constraint(op.f('fk_role_assignments_class_id_school_classes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_role_assignments_class_id'))
        batch_op.drop_column('class_id')

    with op.batch_alter_table('class_roster', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_roster_class_id'))
    op.drop_table('class_roster')
