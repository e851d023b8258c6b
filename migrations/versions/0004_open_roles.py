"""roles, revocable sessions, moderation, audit log, review queue

Revision ID: 0004_open_roles
Revises: 0003_files
Create Date: 2026-12-01

Roles become contributor | moderator | administrator (editor -> contributor, admin ->
administrator). Users get a display name, block and flag fields; sessions are rows the server
can revoke; revisions can hide their comment and author apart from their text and carry a
patrol mark; pages can be soft-deleted and protected; the audit log, the review queue and the
site settings (challenge question, blocked words) get their tables.

"""
from alembic import op
import sqlalchemy as sa


revision = '0004_open_roles'
down_revision = '0003_files'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('blocked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('blocked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('blocked_reason', sa.String(length=500), nullable=True))
        batch_op.add_column(
            sa.Column('flagged', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    users = sa.table('users', sa.column('role', sa.String))
    op.execute(users.update().where(users.c.role == 'editor').values(role='contributor'))
    op.execute(users.update().where(users.c.role == 'admin').values(role='administrator'))

    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('public', sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('protected_until', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pages_public'), ['public'], unique=False)

    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('comment_hidden', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('author_hidden', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('patrolled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('patrolled_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_revisions_patrolled_by_id_users'), 'users', ['patrolled_by_id'], ['id']
        )
    # Edits made before the review queue existed are not news to anyone.
    revisions = sa.table('revisions', sa.column('patrolled_at', sa.DateTime),
                         sa.column('created_at', sa.DateTime))
    op.execute(revisions.update().values(patrolled_at=revisions.c.created_at))

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_type', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('target_label', sa.String(length=255), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)

    op.create_table('pending_edits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('slug', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decision_reason', sa.String(length=500), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_pending_edits_author_id_users')),
    sa.ForeignKeyConstraint(['base_id'], ['revisions.id'], name=op.f('fk_pending_edits_base_id_revisions')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_pending_edits_decided_by_id_users')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_pending_edits_page_id_pages')),
    sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name=op.f('fk_pending_edits_revision_id_revisions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_edits'))
    )
    with op.batch_alter_table('pending_edits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_edits_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_edits_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_edits_state'), ['state'], unique=False)

    op.create_table('site_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_site_settings'))
    )


def downgrade():
    op.drop_table('site_settings')
    with op.batch_alter_table('pending_edits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_edits_state'))
        batch_op.drop_index(batch_op.f('ix_pending_edits_page_id'))
        batch_op.drop_index(batch_op.f('ix_pending_edits_author_id'))
    op.drop_table('pending_edits')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))
    op.drop_table('audit_log')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))
    op.drop_table('user_sessions')
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_revisions_patrolled_by_id_users'), type_='foreignkey')
        batch_op.drop_column('patrolled_by_id')
        batch_op.drop_column('patrolled_at')
        batch_op.drop_column('author_hidden')
        batch_op.drop_column('comment_hidden')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_public'))
        batch_op.drop_column('protected_until')
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('public')
    users = sa.table('users', sa.column('role', sa.String))
    op.execute(users.update().where(users.c.role.in_(['contributor', 'moderator'])).values(role='editor'))
    op.execute(users.update().where(users.c.role == 'administrator').values(role='admin'))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('flagged')
        batch_op.drop_column('blocked_reason')
        batch_op.drop_column('blocked_until')
        batch_op.drop_column('blocked_at')
        batch_op.drop_column('email_confirmed_at')
        batch_op.drop_column('display_name')
