"""people.updated_at and cohorts.updated_at: dashboards notice roster and cohort changes without re-reading.

The figures cache compares the newest change of plans, people and cohorts with what it read last; a team or manager
changed by a roster import, or a cohort's dates, show at once. Existing rows get no time (NULL): only later
changes need one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('people', 'cohorts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('updated_at', sa.DateTime(), nullable=True))
            batch_op.create_index(f'ix_{table}_updated_at', ['updated_at'], unique=False)


def downgrade() -> None:
    for table in ('people', 'cohorts'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_updated_at')
            batch_op.drop_column('updated_at')
