"""the dangerous-waters ledger as surveyed (owner, responsible unit, depth, signs, rescue equipment), school
coordinates for the map, and the water patrol's time window

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 01:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('water_bodies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('responsible_unit', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('depth_m', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('warning_signs', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('rescue_equipment', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.create_check_constraint(op.f('ck_water_bodies_depth_not_negative'), 'depth_m >= 0')
        batch_op.create_check_constraint(op.f('ck_water_bodies_warning_signs_not_negative'), 'warning_signs >= 0')
    with op.batch_alter_table('water_bodies', schema=None) as batch_op:
        batch_op.alter_column('owner', server_default=None)
        batch_op.alter_column('responsible_unit', server_default=None)
        batch_op.alter_column('rescue_equipment', server_default=None)

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Float(), nullable=True))

    with op.batch_alter_table('campaign_requirements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('window_start', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('window_end', sa.String(length=5), nullable=True))


def downgrade():
    with op.batch_alter_table('campaign_requirements', schema=None) as batch_op:
        batch_op.drop_column('window_end')
        batch_op.drop_column('window_start')

    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

    with op.batch_alter_table('water_bodies', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_water_bodies_warning_signs_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_water_bodies_depth_not_negative'), type_='check')
        batch_op.drop_column('rescue_equipment')
        batch_op.drop_column('warning_signs')
        batch_op.drop_column('depth_m')
        batch_op.drop_column('responsible_unit')
        batch_op.drop_column('owner')
