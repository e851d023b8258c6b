"""Change log: every change to a page, in order, for each host's search index to follow.

Existing pages get one row each (kind "migrate"), so a host that starts from an empty index
finds every page in the log.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_change_log"
down_revision = "0006_short_aliases"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes")),
    )
    op.create_index(op.f("ix_changes_page_id"), "changes", ["page_id"])
    op.execute(
        "INSERT INTO changes (page_id, revision_id, kind, created_at) "
        "SELECT id, current_id, 'migrate', CURRENT_TIMESTAMP FROM pages ORDER BY id"
    )


def downgrade():
    op.drop_index(op.f("ix_changes_page_id"), table_name="changes")
    op.drop_table("changes")
