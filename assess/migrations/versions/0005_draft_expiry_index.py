# ruff: noqa: E501, I001, W291  (Alembic style)
"""draft expiry index: every draft that starts sweeps the expired ones away, which
without an index scans every draft while holding the write lock

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f('ix_draft_expires_on'), 'draft', ['expires_on'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_draft_expires_on'), table_name='draft')
