"""retrospectives: the short structured retrospective of a shipped or killed plan, for the lessons page.

A new table only: existing plans have none until their owners write one.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('retrospectives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('what_worked', sa.Text(), nullable=False),
    sa.Column('what_blocked', sa.Text(), nullable=False),
    sa.Column('frictions', sa.String(length=200), nullable=False),
    sa.Column('would_again', sa.String(length=8), nullable=False),
    sa.Column('anonymous', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome IN ('shipped', 'killed')", name=op.f('ck_retrospectives_outcome')),
    sa.CheckConstraint("would_again IN ('yes', 'maybe', 'no')", name=op.f('ck_retrospectives_would_again')),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_retrospectives_plan_id'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retrospectives')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_retrospectives_plan_id'))
    )
    op.create_index(op.f('ix_retrospectives_updated_at'), 'retrospectives', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_retrospectives_updated_at'), table_name='retrospectives')
    op.drop_table('retrospectives')
