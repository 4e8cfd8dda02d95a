# ruff: noqa: E501, I001, W291  (Alembic style)
"""response order: rounds count the responses of their last shuffled rewrite; sent
invitations are marks keyed by a derived token, not a flag on the invitation; only the
latest release of a round is kept

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (SQLite supports it with a default): no batch rebuild of a table
    # that responses, invitations and drafts point at.
    op.add_column('round', sa.Column('responses_shuffled', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('sent_mark',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_sent_mark_round_id_round')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_sent_mark')),
    sqlite_with_rowid=False,
    )
    op.create_index(op.f('ix_sent_mark_round_id'), 'sent_mark', ['round_id'], unique=False)
    # Earlier releases told in which batch of k each response arrived: only the latest
    # one of each round is read, and only it stays.
    op.execute("DELETE FROM release WHERE number < "
               "(SELECT MAX(r.number) FROM release r WHERE r.round_id = release.round_id)")


def downgrade():
    # Invitations used since this revision become usable again: their marks go.
    op.drop_index(op.f('ix_sent_mark_round_id'), table_name='sent_mark')
    op.drop_table('sent_mark')
    with op.batch_alter_table('round', schema=None) as batch_op:
        batch_op.drop_column('responses_shuffled')
