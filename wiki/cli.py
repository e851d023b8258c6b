"""The `essaim` console script: Flask's command group over create_app (commands: wiki.commands)."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from wiki import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """Essaim, the wiki of territoires d'expérimentation."""


def _add_serve() -> None:
    # On the group itself, not app.cli: `essaim serve` must not build the app in the
    # gunicorn master (each worker builds its own).
    from wiki.ops.serve import serve

    main.add_command(serve)


_add_serve()


if __name__ == "__main__":  # `python -m wiki.cli …`: how the gunicorn master starts the indexer
    main()
