"""Initial schema: cohorts, people, memberships, ship plans, check-ins, shipped, reminders.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cohorts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('course', sa.String(length=120), nullable=False),
    sa.Column('workshop_start', sa.Date(), nullable=False),
    sa.Column('workshop_end', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.CheckConstraint('workshop_end >= workshop_start', name=op.f('ck_cohorts_dates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohorts')),
    sa.UniqueConstraint('name', name=op.f('uq_cohorts_name'))
    )
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('team', sa.String(length=64), nullable=False),
    sa.Column('manager_username', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.CheckConstraint("role IN ('participant', 'instructor', 'manager', 'admin')", name=op.f('ck_people_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('username', name=op.f('uq_people_username'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_manager_username'), ['manager_username'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_team'), ['team'], unique=False)

    op.create_table('cohort_members',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.CheckConstraint("role IN ('participant', 'instructor')", name=op.f('ck_cohort_members_role')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_members_cohort_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_cohort_members_person_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', 'person_id', name=op.f('pk_cohort_members'))
    )
    with op.batch_alter_table('cohort_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_members_person_id'), ['person_id'], unique=False)

    op.create_table('ship_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('use_case', sa.Text(), nullable=False),
    sa.Column('backlog_ref', sa.String(length=64), nullable=False),
    sa.Column('metric_name', sa.String(length=120), nullable=False),
    sa.Column('unit', sa.String(length=32), nullable=False),
    sa.Column('baseline_value', sa.Float(), nullable=True),
    sa.Column('target_value', sa.Float(), nullable=True),
    sa.Column('planned_ship_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('blocker', sa.String(length=32), nullable=True),
    sa.Column('last_checkin_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('planned', 'building', 'in_review', 'shipped', 'blocked', 'killed')", name=op.f('ck_ship_plans_status')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_ship_plans_cohort_id'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_ship_plans_person_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ship_plans')),
    sa.UniqueConstraint('cohort_id', 'person_id', name='uq_ship_plans_cohort_person')
    )
    with op.batch_alter_table('ship_plans', schema=None) as batch_op:
        batch_op.create_index('ix_ship_plans_cohort_status', ['cohort_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_ship_plans_person_id'), ['person_id'], unique=False)

    op.create_table('check_ins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('blocker', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence_url', sa.String(length=2000), nullable=False),
    sa.CheckConstraint("status != 'blocked' OR blocker IS NOT NULL", name=op.f('ck_check_ins_blocker_when_blocked')),
    sa.CheckConstraint("status IN ('planned', 'building', 'in_review', 'shipped', 'blocked', 'killed')", name=op.f('ck_check_ins_status')),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_check_ins_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_ins'))
    )
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.create_index('ix_check_ins_plan_at', ['plan_id', 'at'], unique=False)

    op.create_table('reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('due_day', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("channel IN ('email', 'webhook')", name=op.f('ck_reminders_channel')),
    sa.CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name=op.f('ck_reminders_status')),
    sa.CheckConstraint('due_day IN (14, 30, 45, 60)', name=op.f('ck_reminders_due_day')),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_reminders_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('plan_id', 'due_day', 'channel', name='uq_reminders_once')
    )
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.create_index('ix_reminders_status_next', ['status', 'next_attempt_at'], unique=False)

    op.create_table('shipped',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('shipped_on', sa.Date(), nullable=False),
    sa.Column('evidence_url', sa.String(length=2000), nullable=False),
    sa.Column('after_value', sa.Float(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_shipped_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipped')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_shipped_plan_id'))
    )


def downgrade() -> None:
    op.drop_table('shipped')
    with op.batch_alter_table('reminders', schema=None) as batch_op:
        batch_op.drop_index('ix_reminders_status_next')

    op.drop_table('reminders')
    with op.batch_alter_table('check_ins', schema=None) as batch_op:
        batch_op.drop_index('ix_check_ins_plan_at')

    op.drop_table('check_ins')
    with op.batch_alter_table('ship_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ship_plans_person_id'))
        batch_op.drop_index('ix_ship_plans_cohort_status')

    op.drop_table('ship_plans')
    with op.batch_alter_table('cohort_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_members_person_id'))

    op.drop_table('cohort_members')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_team'))
        batch_op.drop_index(batch_op.f('ix_people_manager_username'))

    op.drop_table('people')
    op.drop_table('cohorts')
