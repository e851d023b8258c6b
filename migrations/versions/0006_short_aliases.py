"""short aliases

Revision ID: 0006_short_aliases
Revises: 0005_search_synonyms
Create Date: 2026-12-01

Memorable short links chosen by editors (/s/verger-saint-julien), given for ever.

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_short_aliases'
down_revision = '0005_search_synonyms'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'short_aliases',
        sa.Column('alias', sa.String(length=64), nullable=False),
        sa.Column('skeleton', sa.String(length=64), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name='fk_short_aliases_page_id_pages'),
        sa.ForeignKeyConstraint(['created_by'], ['users.id'], name='fk_short_aliases_created_by_users'),
        sa.PrimaryKeyConstraint('alias', name='pk_short_aliases'),
        sa.UniqueConstraint('skeleton', name='uq_short_aliases_skeleton'),
    )
    op.create_index('ix_short_aliases_page_id', 'short_aliases', ['page_id'])


def downgrade():
    op.drop_index('ix_short_aliases_page_id', table_name='short_aliases')
    op.drop_table('short_aliases')
