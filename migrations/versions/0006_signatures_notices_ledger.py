"""documents: signatures, rectification notices, the ledger's hazard columns, on-the-spot fixes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signatures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.Enum('inspection', 'notice', name='signedsubject', native_enum=False, length=32, create_constraint=True), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('inspector', 'countersigner', 'receiver', name='signerrole', native_enum=False, length=32, create_constraint=True), nullable=False),
    sa.Column('signer_name', sa.String(length=100), nullable=False),
    sa.Column('captured_by_id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['captured_by_id'], ['users.id'], name=op.f('fk_signatures_captured_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_signatures_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signatures')),
    sa.UniqueConstraint('subject_type', 'subject_id', 'role', name='uq_signatures_subject_role')
    )
    op.create_index('ix_signatures_school', 'signatures', ['school_id'], unique=False)
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('office_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('inspectors', sa.String(length=300), nullable=False),
    sa.Column('requirement', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_by', sa.String(length=100), nullable=True),
    sa.Column('receipt_recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('receipt_note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_notices_inspection_id_inspections')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_notices_issued_by_id_users')),
    sa.ForeignKeyConstraint(['office_id'], ['regions.id'], name=op.f('fk_notices_office_id_regions')),
    sa.ForeignKeyConstraint(['receipt_recorded_by_id'], ['users.id'], name=op.f('fk_notices_receipt_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_notices_school_id_schools')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('office_id', 'year', 'number', name='uq_notices_office_year_number')
    )
    op.create_index(op.f('ix_notices_inspection_id'), 'notices', ['inspection_id'], unique=False)
    op.create_index(op.f('ix_notices_school_id'), 'notices', ['school_id'], unique=False)
    op.create_table('notice_items',
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('hazard_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'], name=op.f('fk_notice_items_hazard_id_hazards')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_items_notice_id_notices')),
    sa.PrimaryKeyConstraint('notice_id', 'hazard_id', name=op.f('pk_notice_items'))
    )
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measures', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('funds', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('interim_measures', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('accepted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('acceptance_opinion', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('on_the_spot', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_foreign_key(batch_op.f('fk_hazards_accepted_by_id_users'), 'users', ['accepted_by_id'], ['id'])
    with op.batch_alter_table('checklist_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_countersignature', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('checklist_templates', schema=None) as batch_op:
        batch_op.drop_column('needs_countersignature')
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hazards_accepted_by_id_users'), type_='foreignkey')
        batch_op.drop_column('on_the_spot')
        batch_op.drop_column('acceptance_opinion')
        batch_op.drop_column('accepted_at')
        batch_op.drop_column('accepted_by_id')
        batch_op.drop_column('interim_measures')
        batch_op.drop_column('funds')
        batch_op.drop_column('measures')
    op.drop_table('notice_items')
    op.drop_index(op.f('ix_notices_school_id'), table_name='notices')
    op.drop_index(op.f('ix_notices_inspection_id'), table_name='notices')
    op.drop_table('notices')
    op.drop_index('ix_signatures_school', table_name='signatures')
    op.drop_table('signatures')
