# ruff: noqa: E501, I001, W291  (Alembic style)
"""round: status and access_mode limited to their values by CHECK constraints

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The values as they are at this revision (models.ROUND_STATUSES, models.ACCESS_MODES);
# a later change of either is a new migration.
STATUS = "status IN ('open', 'closed')"
ACCESS_MODE = "access_mode IN ('link', 'invitation', 'both')"


def upgrade():
    # SQLite cannot add a constraint: batch mode copies the table (env.py switches
    # foreign keys off for that, since other tables reference round).
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_round_status'), sa.text(STATUS))
        batch_op.create_check_constraint(op.f('ck_round_access_mode'), sa.text(ACCESS_MODE))


def downgrade():
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_round_access_mode'), type_='check')
        batch_op.drop_constraint(op.f('ck_round_status'), type_='check')
