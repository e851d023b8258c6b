"""Change log pruning: the highest change id removed, so that a host behind it rebuilds.

One row (id 1), seeded with 0: nothing pruned yet. `essaim search prune-changes` raises it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_change_log_pruning"
down_revision = "0012_territories"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "changes_pruned",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("upto", sa.BigInteger(), nullable=False),
        sa.Column("pruned_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_changes_pruned")),
    )
    op.bulk_insert(table, [{"id": 1, "upto": 0, "pruned_at": None}])


def downgrade():
    op.drop_table("changes_pruned")
