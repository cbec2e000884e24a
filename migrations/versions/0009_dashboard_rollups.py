"""rollups for the dashboards: coverage of the last 30 days, hazards opened and closed per week

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 22:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('coverage_rollups',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('due', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_coverage_rollups_school_id_schools'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('school_id', name=op.f('pk_coverage_rollups'))
    )
    op.create_table('hazard_week_rollups',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_hazard_week_rollups_school_id_schools'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('school_id', 'week_start', name=op.f('pk_hazard_week_rollups'))
    )


def downgrade():
    op.drop_table('hazard_week_rollups')
    op.drop_table('coverage_rollups')
