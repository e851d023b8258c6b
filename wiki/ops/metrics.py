"""Prometheus metrics: request latency per endpoint, errors, and the index state at scrape time.

Under `essaim serve` several gunicorn workers answer requests; prometheus_client's multiprocess
mode (PROMETHEUS_MULTIPROC_DIR, set by the serve command before any worker starts) lets each
worker write its samples to a shared directory, and a scrape sums them, whichever worker answers.
"""

from __future__ import annotations

import os
import time

from flask import Flask, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "essaim_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
REQUESTS = Counter(
    "essaim_requests",
    "Requests answered, by endpoint and status.",
    ["endpoint", "method", "status"],
)
SERVER_ERRORS = Counter(
    "essaim_server_errors", "Requests answered with a 5xx status, by endpoint.", ["endpoint"]
)
# How often anonymous readers' pages come from the page cache (wiki.pages.page_cache): its
# share falls with the traffic (a page must be read again within ESSAIM_PAGE_CACHE_SECONDS).
PAGE_CACHE = Counter(
    "essaim_page_cache_views",
    "Anonymous page views answered from a kept copy (kept) or rendered and kept (rendered).",
    ["result"],
)

CONTENT_TYPE = CONTENT_TYPE_LATEST


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def init_app(app: Flask) -> None:
    # First of all hooks, so the time of the others is counted.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    app.after_request(_observe)


def _start_timer() -> None:
    g.essaim_request_started = time.perf_counter()


def _endpoint() -> str:
    # The rule's endpoint, never the path: a bounded set of label values.
    return request.url_rule.endpoint if request.url_rule is not None else "unmatched"


def _observe(response):
    started = g.pop("essaim_request_started", None)
    if started is None:
        return response
    endpoint = _endpoint()
    elapsed = time.perf_counter() - started
    REQUEST_SECONDS.labels(endpoint, request.method).observe(elapsed)
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    if response.status_code >= 500:
        SERVER_ERRORS.labels(endpoint).inc()
    g.essaim_request_seconds = elapsed
    return response


class IndexStateCollector:
    """Read at scrape time from the database (shared by every worker, so no summing)."""

    def __init__(self, state) -> None:
        self.state = state

    def collect(self):
        lag = GaugeMetricFamily(
            "essaim_index_lag_changes", "Changes not yet applied to this host's search index."
        )
        lag.add_metric([], self.state.lag)
        queued = GaugeMetricFamily(
            "essaim_index_queue_pages",
            "Pages waiting in the index queue, by state.",
            labels=["state"],
        )
        queued.add_metric(["waiting"], self.state.queued - self.state.failing)
        queued.add_metric(["failing"], self.state.failing)
        behind = GaugeMetricFamily(
            "essaim_index_behind_pruned_log",
            "1 while this host's search index, which applied less than the change log has "
            "pruned, is rebuilt from the database (searches may miss pages meanwhile).",
        )
        behind.add_metric([], 1 if self.state.behind else 0)
        yield lag
        yield queued
        yield behind


def exposition(state) -> bytes:
    """The text a scrape receives: request metrics of every worker, then the index state."""
    directory = multiprocess_dir()
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        requests_text = generate_latest(registry)
    else:
        requests_text = generate_latest(REGISTRY)
    state_registry = CollectorRegistry()
    state_registry.register(IndexStateCollector(state))
    return requests_text + generate_latest(state_registry)
