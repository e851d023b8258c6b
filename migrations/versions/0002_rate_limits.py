"""rate limits

Revision ID: 0002_rate_limits
Revises: 0001
Create Date: 2026-12-01

Rate-limit counters shared by every worker and host (wiki/ratelimits.py): one row per
counter, its hits and the end of its window (seconds since the epoch).

"""
from alembic import op
import sqlalchemy as sa


revision = '0002_rate_limits'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rate_limits',
        sa.Column('key', sa.String(length=512), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limits')),
    )
    with op.batch_alter_table('rate_limits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limits_expires_at'), ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('rate_limits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limits_expires_at'))
    op.drop_table('rate_limits')
