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


class Essaim(Flask):
    """Flask, with absolute URLs built on the public address when one is configured."""

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
