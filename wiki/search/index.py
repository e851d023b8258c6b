"""Index writes (placeholder until the search engine lands: the queue in the database keeps
every pending page, so nothing is lost while this does nothing)."""


def notify(page_ids: list[int]) -> None:
    return None
