"""activity kinds checked by the registry, not by CHECKs; the incident log's clock; committee seats

Activity kinds are checked by the registry (safety/campaigns/kinds), not by a CHECK on the kind columns.

Revision ID: 0007
Revises: 0006

A campaign activity kind is one spec in the registry; the CHECK listing the shipped kinds would refuse every kind
added since. The schemas check a definition's kinds against the registry before anything is written.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLES = ('campaign_requirements', 'campaign_activities')
SHIPPED = ('lesson', 'parent_letter', 'holiday_reminder', 'water_patrol', 'committee_meeting', 'survey',
           'incident_log', 'custom')


OLD_STATUSES = ('reported', 'investigating', 'handled', 'closed', 'not_bullying')
NEW_STATUSES = ('received', 'investigating', 'determined', 'appealed', 'handled', 'closed')
SEATS = ('staff', 'legal_vice_principal', 'parent', 'community', 'expert', 'student')
CLOCK = ('investigation_due_at', 'determined_at', 'appeal_due_at', 'appealed_at', 'review_due_at', 'escalated_at')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_activitykind'), type_='check')

    with op.batch_alter_table('bullying_committee_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seat', sa.String(length=32), nullable=False, server_default='staff'))
        batch_op.create_check_constraint(op.f('ck_bullying_committee_members_committeeseat'), _in('seat', SEATS))
    with op.batch_alter_table('bullying_committee_members', schema=None) as batch_op:
        batch_op.alter_column('seat', server_default=None)

    with op.batch_alter_table('bullying_incidents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_bullying_incidents_incidentstatus'), type_='check')
        batch_op.add_column(sa.Column('determination', sa.Enum('confirmed', 'not_confirmed', name='determination',
                                                               native_enum=False, create_constraint=True,
                                                               length=32), nullable=True))
        batch_op.add_column(sa.Column('measures', sa.JSON(), nullable=False, server_default='[]'))
        for column in CLOCK:
            batch_op.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_bullying_incidents_escalated_at'), ['escalated_at'], unique=False)
    # The old statuses in the new clock: a handled incident was confirmed, "not bullying" was determined so.
    op.execute("UPDATE bullying_incidents SET status = 'received' WHERE status = 'reported'")
    op.execute("UPDATE bullying_incidents SET determination = 'confirmed' WHERE status IN ('handled', 'closed')")
    op.execute("UPDATE bullying_incidents SET status = 'closed', determination = 'not_confirmed' "
               "WHERE status = 'not_bullying'")
    with op.batch_alter_table('bullying_incidents', schema=None) as batch_op:
        batch_op.alter_column('measures', server_default=None)
        batch_op.create_check_constraint(op.f('ck_bullying_incidents_incidentstatus'), _in('status', NEW_STATUSES))


def downgrade():
    op.execute("UPDATE bullying_incidents SET status = 'reported' WHERE status = 'received'")
    op.execute("UPDATE bullying_incidents SET status = 'investigating' WHERE status IN ('determined', 'appealed')")
    op.execute("UPDATE bullying_incidents SET status = 'not_bullying' "
               "WHERE status = 'closed' AND determination = 'not_confirmed'")
    with op.batch_alter_table('bullying_incidents', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_bullying_incidents_incidentstatus'), type_='check')
        batch_op.drop_index(batch_op.f('ix_bullying_incidents_escalated_at'))
        for column in CLOCK:
            batch_op.drop_column(column)
        batch_op.drop_column('measures')
        batch_op.drop_constraint(op.f('ck_bullying_incidents_determination'), type_='check')
        batch_op.drop_column('determination')
        batch_op.create_check_constraint(op.f('ck_bullying_incidents_incidentstatus'), _in('status', OLD_STATUSES))
    with op.batch_alter_table('bullying_committee_members', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_bullying_committee_members_committeeseat'), type_='check')
        batch_op.drop_column('seat')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(op.f(f'ck_{table}_activitykind'),
                                             f"kind IN ({', '.join(repr(k) for k in SHIPPED)})")
