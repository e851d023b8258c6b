"""territories: a page's territory at every scale (commune, EPCI, department, region)

Revision ID: 0012_territories
Revises: 0011_social
Create Date: 2026-12-01

The official code of a page's territory may now be an intercommunality's SIREN code, a
department's or a region's code, not only a commune's INSEE code (`pages.insee` keeps the
commune). `epci`, `department` and `region` are derived from it so that facets, territory pages
and figures are plain indexed comparisons. Existing pages are filled from their commune.

"""

from alembic import op
import sqlalchemy as sa


revision = "0012_territories"
down_revision = "0011_social"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("territory_level", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("territory_code", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("epci", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("department", sa.String(length=3), nullable=True))
        batch_op.add_column(sa.Column("region", sa.String(length=3), nullable=True))
        batch_op.create_index("ix_pages_territory_code", ["territory_code"], unique=False)
        batch_op.create_index("ix_pages_epci", ["epci"], unique=False)
        batch_op.create_index("ix_pages_department", ["department"], unique=False)
        batch_op.create_index("ix_pages_region", ["region"], unique=False)

    from wiki.content.cog import place_for_code

    bind = op.get_bind()
    pages = sa.table(
        "pages",
        sa.column("id", sa.Integer),
        sa.column("insee", sa.String),
        sa.column("territory_level", sa.String),
        sa.column("territory_code", sa.String),
        sa.column("epci", sa.String),
        sa.column("department", sa.String),
        sa.column("region", sa.String),
    )
    rows = bind.execute(sa.select(pages.c.id, pages.c.insee).where(pages.c.insee.is_not(None)))
    for page_id, insee in rows.fetchall():
        place = place_for_code(insee)
        if place is None:
            continue
        bind.execute(
            pages.update()
            .where(pages.c.id == page_id)
            .values(
                territory_level=place.level,
                territory_code=place.code,
                epci=place.epci,
                department=place.department,
                region=place.region,
            )
        )


def downgrade():
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_index("ix_pages_region")
        batch_op.drop_index("ix_pages_department")
        batch_op.drop_index("ix_pages_epci")
        batch_op.drop_index("ix_pages_territory_code")
        batch_op.drop_column("region")
        batch_op.drop_column("department")
        batch_op.drop_column("epci")
        batch_op.drop_column("territory_code")
        batch_op.drop_column("territory_level")
