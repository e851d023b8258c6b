"""search synonyms

Revision ID: 0005_search_synonyms
Revises: 0004_open_roles
Create Date: 2026-12-01

The synonyms and abbreviations list of the search, as administrators save it: one row per saved
version, the newest in use (none: the list shipped with Essaim, wiki/search/data/synonyms.txt).

"""
from alembic import op
import sqlalchemy as sa


revision = '0005_search_synonyms'
down_revision = '0004_open_roles'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_synonyms',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['author_id'], ['users.id'], name=op.f('fk_search_synonyms_author_id_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_synonyms')),
    )


def downgrade():
    op.drop_table('search_synonyms')
