"""A small thread-safe LRU, for what is costly to compute and read again often."""

from __future__ import annotations

import threading
from collections import OrderedDict


class LRU:
    """The `size` most recently used values; rendered pages, link lookups, sheet budgets."""

    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)
