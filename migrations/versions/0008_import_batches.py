"""import batches: every import is one batch that can be listed and undone

Revision ID: 0008_import_batches
Revises: 0007_change_log
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_import_batches'
down_revision = '0007_change_log'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('source', sa.String(length=500), nullable=False),
        sa.Column('fingerprint', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=True),
        sa.Column('undone_at', sa.DateTime(), nullable=True),
        sa.Column('report', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_batches_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches')),
    )
    op.create_table(
        'import_items',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('source_key', sa.String(length=255), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=True),
        sa.Column('revision_id', sa.Integer(), nullable=True),
        sa.Column('created_page', sa.Boolean(), nullable=False),
        sa.Column('slug', sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['import_batches.id'], name=op.f('fk_import_items_batch_id_import_batches')),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_import_items_page_id_pages')),
        sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_import_items_revision_id_revisions')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_items')),
    )
    op.create_index(op.f('ix_import_items_batch_id'), 'import_items', ['batch_id'], unique=False)
    op.create_index(op.f('ix_import_items_source_key'), 'import_items', ['source_key'], unique=False)
    with op.batch_alter_table('revisions') as batch_op:
        batch_op.add_column(sa.Column('author_name', sa.String(length=255), nullable=True))
    # pages.deleted_at is also added by the moderation migration of issue 12 (branch `open`):
    # whichever runs first adds it, the other leaves it (same column, same meaning).
    if 'deleted_at' not in _page_columns():
        with op.batch_alter_table('pages') as batch_op:
            batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))


def _page_columns() -> set:
    return {c['name'] for c in sa.inspect(op.get_bind()).get_columns('pages')}


def downgrade():
    if 'public' not in _page_columns():  # else the moderation migration owns deleted_at
        with op.batch_alter_table('pages') as batch_op:
            batch_op.drop_column('deleted_at')
    with op.batch_alter_table('revisions') as batch_op:
        batch_op.drop_column('author_name')
    op.drop_index(op.f('ix_import_items_source_key'), table_name='import_items')
    op.drop_index(op.f('ix_import_items_batch_id'), table_name='import_items')
    op.drop_table('import_items')
    op.drop_table('import_batches')
