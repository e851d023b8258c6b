"""`essaim search …` commands: rebuild the index, find and mend drift from the database."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

group = click.Group("search", help="Search index: rebuild it, check it against the database.")


@group.command("reindex")
@click.option(
    "--procs",
    default=2,
    show_default=True,
    help="Writer processes (2 halves a rebuild on two cores; 1 for a single core).",
)
@click.option("--limitmb", default=256, show_default=True, help="Memory of each writer, in MB.")
@with_appcontext
def reindex(procs: int, limitmb: int) -> None:
    """Rebuild the index from the database into a new directory, then swap it in.

    Searches keep being answered by the old index until the new one is complete.
    """
    from wiki.extensions import db
    from wiki.models import Page
    from wiki.search import index

    total = db.session.scalar(select(func.count(Page.id))) or 0

    def finishing() -> None:
        click.echo("\nEvery page is read; writing the index files (minutes for 100,000 pages)…")

    with click.progressbar(length=total, label="Indexing pages", show_pos=True) as bar:
        count = index.rebuild(
            index.target_for(),
            progress=bar.update,
            procs=procs,
            limitmb=limitmb,
            finishing=finishing,
        )
    click.echo(f"Index rebuilt: {count} pages.")


@group.command("check")
@click.option(
    "--fix/--no-fix",
    default=True,
    show_default=True,
    help="Mend the drift found (the default), or only list it.",
)
@with_appcontext
def check(fix: bool) -> None:
    """List pages missing from the index, indexed from an older state, or indexed but gone.

    By default the drift is mended at once (the pages are rewritten in the index); use
    --no-fix to only list it. The exit status is 1 when drift was found and not mended.
    """
    from wiki.extensions import db
    from wiki.models import Page
    from wiki.search import index

    total = db.session.scalar(select(func.count(Page.id))) or 0
    with click.progressbar(length=total, label="Checking pages", show_pos=True) as bar:
        drift = index.check(index.target_for(), fix=fix, progress=bar.update)
    titles = dict(db.session.execute(select(Page.id, Page.title)).tuples().all())
    for label, ids in (
        ("missing from the index", drift.missing),
        ("stale in the index", drift.stale),
        ("in the index but not in the database", drift.extra),
    ):
        click.echo(f"{len(ids)} {'page' if len(ids) == 1 else 'pages'} {label}")
        for page_id in ids:
            click.echo(f"  #{page_id} {titles.get(page_id, '')}".rstrip())
    if drift.queued:
        click.echo(f"{drift.queued} pages were waiting in the indexing queue.")
    if drift.clean:
        click.echo("The index is in step with the database.")
    elif fix:
        click.echo("Mended: the index is now in step with the database.")
    else:
        click.echo("Not mended (--no-fix): run `essaim search check` to mend it.")
        raise SystemExit(1)


@group.command("prune-changes")
@click.option(
    "--keep-days",
    type=click.FloatRange(min=0),
    required=True,
    help="Keep the changes of the last N days; older ones are deleted.",
)
@with_appcontext
def prune_changes(keep_days: float) -> None:
    """Delete old rows of the change log that the hosts' search indexes follow.

    A host whose index has not applied the deleted changes (stopped longer than N days, or
    new) rebuilds its index from the database when it next looks at the log: keep N well
    above the longest time a host may stay stopped.
    """
    from wiki.extensions import db
    from wiki.search import changes

    pruned = changes.prune(db.session, keep_days)
    click.echo(
        f"{pruned.removed} {'change' if pruned.removed == 1 else 'changes'} deleted; "
        f"the change log now starts after change {pruned.upto}."
    )


@group.command("indexer")
@click.option("--nice", default=5, show_default=True, help="Scheduling priority to lower by.")
@with_appcontext
def indexer_command(nice: int) -> None:
    """Keep this host's search index up to date until stopped (Ctrl-C, SIGTERM).

    `essaim serve` starts one by itself (as `python -m wiki.cli search indexer`). Run this
    one when the web application is served by something else with
    ESSAIM_SEARCH_INDEXING=process: saves then wake it instead of indexing in the web
    processes. One per index directory.
    """
    import logging
    import signal
    import threading

    from flask import current_app

    from wiki.search import indexer

    if not logging.getLogger().handlers:  # JSON logs are set up with the app (ops/logs.py)
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
        )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    logging.getLogger(__name__).info("Search indexer starting; Ctrl-C or SIGTERM stops it.")
    indexer.run(current_app._get_current_object(), stop, nice=nice)
