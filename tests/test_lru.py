"""The rendering caches stay bounded in memory whatever the size of the pages."""

from wiki.lru import LRU


def test_a_weighed_cache_lets_the_oldest_values_go_once_the_budget_is_spent():
    cache = LRU(100, max_weight=1_000)
    for n in range(10):
        cache.put(n, f"page {n}", weight=100)
    assert all(cache.get(n) for n in range(10))
    cache.get(0)  # read again: the most recently used now
    cache.put("huge", "a big page", weight=450)
    assert cache.get("huge") and cache.get(0)
    assert [n for n in range(1, 10) if cache.get(n) is None] == [1, 2, 3, 4, 5]
    assert cache.weight <= 1_000


def test_a_value_bigger_than_the_whole_budget_is_not_kept_and_pushes_nothing_out():
    cache = LRU(100, max_weight=1_000)
    cache.put("small", "x", weight=10)
    cache.put("enormous", "y", weight=5_000)
    assert cache.get("enormous") is None and cache.get("small") == "x"
    assert cache.weight == 10


def test_putting_a_key_again_counts_its_weight_once():
    cache = LRU(10, max_weight=100)
    for _ in range(5):
        cache.put("same", "v", weight=60)
    assert cache.get("same") == "v" and cache.weight == 60
