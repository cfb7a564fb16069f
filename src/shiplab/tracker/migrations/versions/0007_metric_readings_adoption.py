"""The metric over time and adoption: metric_readings, plan_tokens (a SHA-256 per plan, never the token), adoptions,
and reminders.kind (the 14-day adoption question beside the check-in reminders).

Existing reminders become kind 'checkin'; the unique key "once per plan, day and channel" takes the kind in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('metric_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source IN ('participant', 'service')", name=op.f('ck_metric_readings_source')),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_metric_readings_plan_id'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metric_readings'))
    )
    op.create_index('ix_metric_readings_plan_measured', 'metric_readings', ['plan_id', 'measured_on'], unique=False)
    op.create_table('plan_tokens',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('rotated_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_plan_tokens_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_plan_tokens')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_plan_tokens_token_sha256'))
    )
    op.create_table('adoptions',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence_value', sa.Float(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome IN ('adopted', 'went_back')", name=op.f('ck_adoptions_outcome')),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_adoptions_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_adoptions'))
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='checkin', nullable=False))
        batch_op.drop_constraint('uq_reminders_once', type_='unique')
        batch_op.create_unique_constraint('uq_reminders_once', ['plan_id', 'due_day', 'channel', 'kind'])
        batch_op.create_check_constraint(op.f('ck_reminders_kind'), "kind IN ('checkin', 'adoption')")


def downgrade() -> None:
    # the adoption question has no place in the old schema (and would collide with day 14's check-in reminder)
    op.execute("DELETE FROM reminders WHERE kind = 'adoption'")
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reminders_kind'), type_='check')
        batch_op.drop_constraint('uq_reminders_once', type_='unique')
        batch_op.create_unique_constraint('uq_reminders_once', ['plan_id', 'due_day', 'channel'])
        batch_op.drop_column('kind')
    op.drop_table('adoptions')
    op.drop_table('plan_tokens')
    op.drop_index('ix_metric_readings_plan_measured', table_name='metric_readings')
    op.drop_table('metric_readings')
