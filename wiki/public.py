"""The public address of the wiki (ESSAIM_PUBLIC_URL): what printed material and feeds point to.

A QR code glued on a festival stand, a short link on a flyer, an Atom feed or an e-mail must lead
to the address the public can reach, not to the host an organiser happened to browse from
(`http://127.0.0.1:5000` behind a tunnel, an internal name behind a proxy). When
`ESSAIM_PUBLIC_URL` is set, every absolute URL the application builds (`url_for(...,
_external=True)`) starts with it, in a request or outside one (background jobs, the command
line); when it is unset, absolute URLs follow the request as before.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask, current_app, has_request_context, request
from flask.globals import _cv_request

from wiki.lru import LRU


class PublicURLError(ValueError):
    pass


def normalise(value: str | None) -> str | None:
    """`https://essaim.example.org/wiki/` → `https://essaim.example.org/wiki`; refuses what a
    printed QR code could not carry (no scheme, a query, a fragment, spaces)."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PublicURLError(
            f"ESSAIM_PUBLIC_URL must start with https:// (or http://) and a host: {value!r}"
        )
    if parts.query or parts.fragment or any(c.isspace() for c in value):
        raise PublicURLError(
            f"ESSAIM_PUBLIC_URL must be a plain address, without ?query or #fragment: {value!r}"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


# URLs built in a request, by what they are built from: the same few hundred (the menu's
# links, stylesheets, each page's actions) are built again at every page view, some thirty a
# view, 6 % of its time. The bound keeps a wiki of many pages, or a client sending many Host
# headers, from growing it without end.
_BUILT_URLS = 16384
_PLAIN_VALUES = frozenset((str, int, float, bool, type(None)))


class Essaim(Flask):
    """Flask, with absolute URLs built on the public address when one is configured, and the
    URLs built within requests remembered (a URL depends only on its endpoint and values, on
    the address the request came to and on the public address)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._built_urls = LRU(_BUILT_URLS)

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values,
    ) -> str:
        options = {
            "_anchor": _anchor,
            "_method": _method,
            "_scheme": _scheme,
            "_external": _external,
        }
        context = _cv_request.get(None)
        adapter = context.url_adapter if context is not None else None
        if (
            adapter is None
            or any(self.url_default_functions.values())
            or not all(value.__class__ in _PLAIN_VALUES for value in values.values())
        ):
            # Outside requests, with url_defaults (they may read anything) or with values such
            # as lists or objects (which a key would keep alive): built each time.
            return self._build_url(endpoint, **options, **values)
        key = (
            endpoint,
            context.request.blueprint if endpoint[:1] == "." else None,
            _anchor,
            _method,
            _scheme,
            _external,
            self.config.get("PUBLIC_URL"),
            adapter.server_name,
            adapter.script_name,
            adapter.subdomain,
            adapter.url_scheme,
            # The type too: 1, 1.0 and True are equal keys but give different URLs.
            *((name, value.__class__, value) for name, value in values.items()),
        )
        url = self._built_urls.get(key)
        if url is None:
            url = self._build_url(endpoint, **options, **values)
            self._built_urls.put(key, url)
        return url

    def _build_url(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values,
    ) -> str:
        public = self.config.get("PUBLIC_URL")
        if not public or not _external:
            return super().url_for(
                endpoint,
                _anchor=_anchor,
                _method=_method,
                _scheme=_scheme,
                _external=_external,
                **values,
            )
        if endpoint.startswith(".") and has_request_context() and request.blueprint:
            endpoint = f"{request.blueprint}{endpoint}"
        self.inject_url_defaults(endpoint, values)
        parts = urlsplit(public)
        adapter = self.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=_scheme or parts.scheme
        )
        url = adapter.build(endpoint, values, method=_method, force_external=True)
        if _anchor is not None:
            url += "#" + quote(_anchor, safe="%!#$&'()*+,/:;=?@")
        return url


def init_app(app: Flask) -> None:
    try:
        app.config["PUBLIC_URL"] = normalise(app.config.get("PUBLIC_URL"))
    except PublicURLError as error:
        raise RuntimeError(str(error)) from error
    if not app.config["PUBLIC_URL"] and app.config.get("ENV_NAME") == "production":
        app.logger.warning(
            "ESSAIM_PUBLIC_URL is not set: QR codes, short links and feeds will carry the "
            "address each visitor used. Set it to the address the public reaches."
        )


def missing_in_production() -> bool:
    """True when printed material would carry whatever host the organiser browsed from."""
    config = current_app.config
    return not config.get("PUBLIC_URL") and config.get("ENV_NAME") == "production"


def short_link(page) -> str:
    """The address printed under a QR code: the page's alias when it has one, else its code."""
    from flask import url_for

    from wiki.festival.aliases import preferred

    code = preferred(page) or page.short_code
    return url_for("pages.short_link", code=code, _external=True)
