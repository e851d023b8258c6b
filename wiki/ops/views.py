"""Probes for the process manager and the load balancer, and metrics for Prometheus."""

from __future__ import annotations

import ipaddress
import logging

from flask import Blueprint, Response, abort, current_app, jsonify, request
from sqlalchemy import text

from wiki.extensions import db
from wiki.ops import metrics
from wiki.ops.state import index_state

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz():
    """The process answers: nothing else is checked (a restart would not mend anything else)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready for traffic: the database answers and the search index is not far behind."""
    limit = int(current_app.config["READY_MAX_INDEX_LAG"])
    try:
        db.session.execute(text("SELECT 1"))
        state = index_state(db.session, current_app.config["SEARCH_INDEX_DIR"])
    except Exception as error:
        db.session.rollback()
        log.warning("Readiness: database unreachable: %s", error)
        return jsonify(status="unavailable", database="unreachable"), 503
    ready = state.lag <= limit and not state.behind
    body = {
        "status": "ok" if ready else "behind",
        "database": "ok",
        "index_lag": state.lag,
        "index_lag_limit": limit,
    }
    if state.behind:
        # Its cursor is below the pruned change log: the index is rebuilt from the database.
        body["index"] = "rebuilding"
    return jsonify(body), 200 if ready else 503


@bp.get("/metrics")
def prometheus_metrics():
    if not _allowed(request.remote_addr, current_app.config["METRICS_ALLOW"]):
        abort(403)
    state = index_state(db.session, current_app.config["SEARCH_INDEX_DIR"])
    return Response(metrics.exposition(state), mimetype=metrics.CONTENT_TYPE)


def _allowed(address: str | None, allow: str) -> bool:
    """ESSAIM_METRICS_ALLOW: addresses or networks separated by commas or spaces."""
    if not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for item in allow.replace(",", " ").split():
        try:
            if ip in ipaddress.ip_network(item, strict=False):
                return True
        except ValueError:
            continue
    return False
