"""files: uploaded photos and documents, their versions and their uses by pages

Revision ID: 0003_files
Revises: 0002_rate_limits
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


revision = '0003_files'
down_revision = '0002_rate_limits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('current_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_files')),
        sa.UniqueConstraint('name', name=op.f('uq_files_name')),
    )
    op.create_index(op.f('ix_files_updated_at'), 'files', ['updated_at'], unique=False)
    op.create_table(
        'file_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('file_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('mime', sa.String(length=100), nullable=False),
        sa.Column('width', sa.Integer(), nullable=True),
        sa.Column('height', sa.Integer(), nullable=True),
        sa.Column('thumbnail_widths', sa.String(length=100), nullable=False),
        sa.Column('alt', sa.String(length=500), nullable=False),
        sa.Column('credit', sa.String(length=300), nullable=False),
        sa.Column('licence', sa.String(length=32), nullable=False),
        sa.Column('comment', sa.String(length=500), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('uploader_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('hidden_by_id', sa.Integer(), nullable=True),
        sa.Column('hidden_at', sa.DateTime(), nullable=True),
        sa.Column('hidden_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['file_id'], ['files.id'], name=op.f('fk_file_versions_file_id_files')),
        sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_file_versions_uploader_id_users')),
        sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name=op.f('fk_file_versions_hidden_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_file_versions')),
        sa.UniqueConstraint('file_id', 'number', name='uq_file_versions_file_number'),
    )
    op.create_index(op.f('ix_file_versions_file_id'), 'file_versions', ['file_id'], unique=False)
    op.create_index(op.f('ix_file_versions_sha256'), 'file_versions', ['sha256'], unique=False)
    op.create_index(op.f('ix_file_versions_created_at'), 'file_versions', ['created_at'], unique=False)
    with op.batch_alter_table('files') as batch_op:
        batch_op.create_foreign_key(
            'fk_files_current_id_file_versions', 'file_versions', ['current_id'], ['id']
        )
    op.create_table(
        'file_uses',
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_file_uses_page_id_pages'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('page_id', 'name', name=op.f('pk_file_uses')),
    )
    op.create_index(op.f('ix_file_uses_name'), 'file_uses', ['name'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_file_uses_name'), table_name='file_uses')
    op.drop_table('file_uses')
    with op.batch_alter_table('files') as batch_op:
        batch_op.drop_constraint('fk_files_current_id_file_versions', type_='foreignkey')
    op.drop_index(op.f('ix_file_versions_created_at'), table_name='file_versions')
    op.drop_index(op.f('ix_file_versions_sha256'), table_name='file_versions')
    op.drop_index(op.f('ix_file_versions_file_id'), table_name='file_versions')
    op.drop_table('file_versions')
    op.drop_index(op.f('ix_files_updated_at'), table_name='files')
    op.drop_table('files')
