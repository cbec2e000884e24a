"""activity kinds checked by the registry (safety/campaigns/kinds), not by a CHECK on the kind columns

Revision ID: campaigns_arch
Revises: 0005

A campaign activity kind is one spec in the registry; the CHECK listing the shipped kinds would refuse every kind
added since. The schemas check a definition's kinds against the registry before anything is written.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'campaigns_arch'
down_revision = '0005'
branch_labels = None
depends_on = None

TABLES = ('campaign_requirements', 'campaign_activities')
SHIPPED = ('lesson', 'parent_letter', 'holiday_reminder', 'water_patrol', 'committee_meeting', 'survey',
           'incident_log', 'custom')


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_activitykind'), type_='check')


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f'ck_{table}_activitykind'),
                                             f"kind IN ({', '.join(repr(k) for k in SHIPPED)})")
