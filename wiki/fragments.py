"""Parts of the templates that are the same for many readers, rendered once per process.

The site's chrome (stylesheets, the header's links, the footer) costs a page view about twenty
`url_for` and as many `gettext` calls, the same for every reader of a language: a tenth of a
page view's CPU (py-spy, bench data). A template marks such a part with

    {% call kept_fragment("footer") %} … {% endcall %}

and it is rendered once per language and script root (the path a proxy mounts the wiki under),
plus whatever the template passes after the name (`kept_fragment("member-menu", moderator)`),
then the same HTML is given to every later reader. What is per reader — CSRF tokens, flashed
messages, the current path, names, counters, the booklet basket — stays outside the `call`
blocks: a kept part must depend on nothing but its key. With template auto-reload on (debug),
nothing is kept, so an edited template shows at once. The name is long on purpose: a view's
own context values shadow template globals (`kept` was one).
"""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup

from wiki.lru import LRU

# Keys are a name written in a template, a language and a script root: a few dozen in
# practice. The bound only guards against a proxy sending ever-new prefixes.
_SIZE = 256


def kept_fragment(name: str, *key, keep: bool = True, caller) -> Markup:
    """The body of a `{% call kept_fragment(name, *key) %}` block, rendered once per key (see
    above); `keep=False` renders it for this reader only (a search box holding their query)."""
    app = current_app._get_current_object()
    if not keep or app.jinja_env.auto_reload or not has_request_context():
        return caller()
    store = app.extensions.get("essaim_fragments")
    if store is None:
        store = app.extensions.setdefault("essaim_fragments", LRU(_SIZE))
    full_key = (name, key, str(get_locale()), request.script_root)
    html = store.get(full_key)
    if html is None:
        html = Markup(caller())  # noqa: S704 (the template's own output, already escaped)
        store.put(full_key, html)
    return html
