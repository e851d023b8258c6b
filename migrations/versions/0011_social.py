"""social: follows, notifications, outgoing mail queue, discussions

Revision ID: 0011_social
Revises: 0010_statement_groups
Create Date: 2026-12-01

Following pages, themes, territories and people; notifications in the site and by mail (a
queue of outgoing mail sent by `essaim notify send`); a discussion per page; pages that
declined reader messages; "inspiré par" links between experiences.

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_social'
down_revision = '0010_statement_groups'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('target', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_follows_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_follows'),
        sa.UniqueConstraint('user_id', 'kind', 'target', name='uq_follows_user_target'),
    )
    op.create_index('ix_follows_user_id', 'follows', ['user_id'])
    op.create_index('ix_follows_kind_target', 'follows', ['kind', 'target'])
    op.create_table(
        'notification_settings',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('follow_edited', sa.Boolean(), nullable=False),
        sa.Column('mail_mode', sa.String(length=16), nullable=False),
        sa.Column('accept_contact', sa.Boolean(), nullable=False),
        sa.Column('unsubscribe_version', sa.Integer(), nullable=False),
        sa.Column('last_digest_at', sa.DateTime(), nullable=True),
        sa.Column('bounced_address', sa.String(length=255), nullable=True),
        sa.Column('bounced_at', sa.DateTime(), nullable=True),
        sa.Column('bounce_reason', sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_notification_settings_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name='pk_notification_settings'),
    )
    op.create_table(
        'discussion_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('parent_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('edited_at', sa.DateTime(), nullable=True),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('hidden_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name='fk_discussion_messages_page_id_pages', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['parent_id'], ['discussion_messages.id'], name='fk_discussion_messages_parent_id_discussion_messages'),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'], name='fk_discussion_messages_author_id_users'),
        sa.ForeignKeyConstraint(['hidden_by_id'], ['users.id'], name='fk_discussion_messages_hidden_by_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_discussion_messages'),
    )
    op.create_index('ix_discussion_messages_page_id', 'discussion_messages', ['page_id'])
    op.create_table(
        'notifications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=True),
        sa.Column('revision_id', sa.Integer(), nullable=True),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=True),
        sa.Column('mail_state', sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_notifications_user_id_users', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name='fk_notifications_page_id_pages', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['revision_id'], ['revisions.id'], name='fk_notifications_revision_id_revisions'),
        sa.ForeignKeyConstraint(['message_id'], ['discussion_messages.id'], name='fk_notifications_message_id_discussion_messages', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name='fk_notifications_actor_id_users'),
        sa.PrimaryKeyConstraint('id', name='pk_notifications'),
    )
    op.create_index('ix_notifications_user_read', 'notifications', ['user_id', 'read_at'])
    op.create_index('ix_notifications_mail_state', 'notifications', ['mail_state', 'user_id'])
    op.create_table(
        'outgoing_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('to_address', sa.String(length=255), nullable=False),
        sa.Column('reply_to', sa.String(length=255), nullable=True),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('unsubscribe_url', sa.String(length=1000), nullable=True),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('state', sa.String(length=8), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
        sa.Column('claim_token', sa.String(length=32), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name='fk_outgoing_mail_user_id_users', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_outgoing_mail'),
    )
    op.create_index('ix_outgoing_mail_state_next', 'outgoing_mail', ['state', 'next_attempt_at'])
    op.create_table(
        'inspirations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('page_id', sa.Integer(), nullable=False),
        sa.Column('source_slug', sa.String(length=255), nullable=False),
        sa.Column('source_title', sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name='fk_inspirations_page_id_pages', ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name='pk_inspirations'),
    )
    op.create_index('ix_inspirations_page_id', 'inspirations', ['page_id'])
    op.create_index('ix_inspirations_source_slug', 'inspirations', ['source_slug'])
    op.create_table(
        'contact_refusals',
        sa.Column('address', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('address', name='pk_contact_refusals'),
    )


def downgrade():
    op.drop_index('ix_inspirations_source_slug', table_name='inspirations')
    op.drop_index('ix_inspirations_page_id', table_name='inspirations')
    op.drop_table('inspirations')
    op.drop_table('contact_refusals')
    op.drop_index('ix_outgoing_mail_state_next', table_name='outgoing_mail')
    op.drop_table('outgoing_mail')
    op.drop_index('ix_notifications_mail_state', table_name='notifications')
    op.drop_index('ix_notifications_user_read', table_name='notifications')
    op.drop_table('notifications')
    op.drop_index('ix_discussion_messages_page_id', table_name='discussion_messages')
    op.drop_table('discussion_messages')
    op.drop_table('notification_settings')
    op.drop_index('ix_follows_kind_target', table_name='follows')
    op.drop_index('ix_follows_user_id', table_name='follows')
    op.drop_table('follows')
