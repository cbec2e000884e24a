"""campaign definitions name the school types they are for; the shipped anti-bullying one leaves out
kindergartens (《加强中小学生欺凌综合治理方案》教督〔2017〕10号 covers 中小学 and 中等职业学校)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 09:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

NOT_KINDERGARTENS = ["primary", "junior_secondary", "senior_secondary", "nine_year", "twelve_year", "vocational",
                     "special_education"]


def upgrade():
    with op.batch_alter_table('campaign_definitions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_types', sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('campaign_definitions', schema=None) as batch_op:
        batch_op.alter_column('school_types', server_default=None)
    # The shipped definition as installed (is_default); a region's own definition is the office's to scope.
    definitions = sa.table('campaign_definitions', sa.column('code', sa.String), sa.column('region_id', sa.Integer),
                           sa.column('is_default', sa.Boolean), sa.column('school_types', sa.JSON))
    op.execute(definitions.update().where(definitions.c.code == 'anti_bullying', definitions.c.region_id.is_(None),
                                          definitions.c.is_default.is_(True))
               .values(school_types=NOT_KINDERGARTENS))


def downgrade():
    with op.batch_alter_table('campaign_definitions', schema=None) as batch_op:
        batch_op.drop_column('school_types')
