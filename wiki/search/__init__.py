"""Full-text search over the pages (Whoosh index derived from the database)."""


def notify(page_ids: list[int]) -> None:
    """Called after a commit that changed these pages; their ids are already in IndexQueue."""
    from wiki.search import worker

    worker.notify(page_ids)
