"""ship_plans.baseline_method (how the baseline was measured) and ship_plans.cycle (a next plan after a ship or kill).

Existing plans become cycle 1 with an empty baseline method (new plans must name one). The unique key "one plan per
person per cohort" becomes "one plan per person, cohort and cycle", so a person's next plan has cycle 2, 3, …

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ship_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline_method', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('cycle', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint('uq_ship_plans_cohort_person', type_='unique')
        batch_op.create_unique_constraint('uq_ship_plans_cycle', ['cohort_id', 'person_id', 'cycle'])
        batch_op.create_check_constraint(op.f('ck_ship_plans_cycle'), 'cycle >= 1')


def downgrade() -> None:
    later = op.get_bind().exec_driver_sql("SELECT count(*) FROM ship_plans WHERE cycle > 1").scalar()
    if later:  # one plan per person and cohort again would have to delete them: the operator decides, not us
        raise RuntimeError(f"{later} ship plan(s) of a second or later cycle exist; revision 0005 holds one plan per "
                           "person and cohort. Export them (/export.csv) and delete them before downgrading.")
    with op.batch_alter_table('ship_plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ship_plans_cycle'), type_='check')
        batch_op.drop_constraint('uq_ship_plans_cycle', type_='unique')
        batch_op.create_unique_constraint('uq_ship_plans_cohort_person', ['cohort_id', 'person_id'])
        batch_op.drop_column('cycle')
        batch_op.drop_column('baseline_method')
