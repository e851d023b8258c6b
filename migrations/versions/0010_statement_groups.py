"""statement_groups, saved_selections: moderators' merges and splits of recurring levers and
obstacles; selections of experiences kept by accounts

Revision ID: 0010_statement_groups
Revises: 0009_api_tokens
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


revision = '0010_statement_groups'
down_revision = '0009_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'statement_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('group_code', sa.String(length=32), nullable=False),
        sa.Column('chosen_by', sa.Integer(), nullable=True),
        sa.Column('chosen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_statement_groups_page_id_pages'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['chosen_by'], ['users.id'], name=op.f('fk_statement_groups_chosen_by_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_statement_groups')),
        sa.UniqueConstraint('kind', 'page_id', 'key', name='uq_statement_groups_statement'),
    )
    op.create_index(op.f('ix_statement_groups_page_id'), 'statement_groups', ['page_id'], unique=False)
    op.create_index(op.f('ix_statement_groups_group_code'), 'statement_groups', ['group_code'], unique=False)
    op.create_table(
        'saved_selections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('query', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_selections_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_selections')),
    )
    op.create_index(op.f('ix_saved_selections_user_id'), 'saved_selections', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_saved_selections_user_id'), table_name='saved_selections')
    op.drop_table('saved_selections')
    op.drop_index(op.f('ix_statement_groups_group_code'), table_name='statement_groups')
    op.drop_index(op.f('ix_statement_groups_page_id'), table_name='statement_groups')
    op.drop_table('statement_groups')
