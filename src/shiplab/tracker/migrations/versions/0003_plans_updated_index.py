"""Index ship_plans.updated_at: dashboards fetch only the plans changed since they last looked.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_ship_plans_updated_at', 'ship_plans', ['updated_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_ship_plans_updated_at', table_name='ship_plans')
