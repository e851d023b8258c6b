"""A small thread-safe LRU, for what is costly to compute and read again often."""

from __future__ import annotations

import threading
from collections import OrderedDict


class LRU:
    """The `size` most recently used values; rendered pages, link lookups, sheet budgets.

    With `max_weight`, each value also carries a weight given to `put` (say, the length of the
    text it was made from) and the least recently used values leave until the total fits: many
    small pages stay cached, a few huge ones cannot fill the memory."""

    def __init__(self, size: int, max_weight: int | None = None):
        self.size = size
        self.max_weight = max_weight
        self.items: OrderedDict = OrderedDict()
        self.weights: dict = {}
        self.weight = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.weights.clear()
            self.weight = 0

    def put(self, key, value, weight: int = 0) -> None:
        if self.max_weight is not None and weight > self.max_weight:
            return  # would push everything else out and not fit anyway
        with self.lock:
            self.weight += weight - self.weights.get(key, 0)
            self.weights[key] = weight
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size or (
                self.max_weight is not None and self.weight > self.max_weight and self.items
            ):
                old, _ = self.items.popitem(last=False)
                self.weight -= self.weights.pop(old)
