"""Deployment evidence: plan_webhooks (a salt per plan, never the secret), deployments, verified_ships.

New tables only: an existing database keeps every row, and its plans stay self-reported until a deploying system
reports a production deployment through the plan's webhook.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_webhooks',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('salt', sa.String(length=64), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('rotated_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_plan_webhooks_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', name=op.f('pk_plan_webhooks'))
    )
    op.create_table('deployments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('delivery_id', sa.String(length=200), nullable=True),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('service', sa.String(length=200), nullable=False),
    sa.Column('environment', sa.String(length=80), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('production', sa.Boolean(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("source IN ('github', 'gitlab', 'plain')", name=op.f('ck_deployments_source')),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_deployments_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deployments')),
    sa.UniqueConstraint('plan_id', 'body_sha256', name='uq_deployments_body'),
    sa.UniqueConstraint('plan_id', 'delivery_id', name='uq_deployments_delivery')
    )
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.create_index('ix_deployments_plan_received', ['plan_id', 'received_at'], unique=False)

    op.create_table('verified_ships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.Integer(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['deployment_id'], ['deployments.id'], name=op.f('fk_verified_ships_deployment_id'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['ship_plans.id'], name=op.f('fk_verified_ships_plan_id'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verified_ships')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_verified_ships_plan_id'))
    )


def downgrade() -> None:
    op.drop_table('verified_ships')
    with op.batch_alter_table('deployments', schema=None) as batch_op:
        batch_op.drop_index('ix_deployments_plan_received')
    op.drop_table('deployments')
    op.drop_table('plan_webhooks')
