"""No open redirect through `next=`: whatever is given, the browser stays on this site."""

from urllib.parse import urljoin, urlsplit

import pytest

from tests.conftest import csrf_token

HOSTILE = [
    "//evil.example",
    "///evil.example",
    "////evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "https:evil.example",
    "https:/evil.example",
    "http:\\\\evil.example",
    "https://evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    "%2f%2fevil.example",
    "/%2F%2Fevil.example",
    "%252F%252Fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/\t/evil.example",
    "\t//evil.example",
    "/\n/evil.example",
    " //evil.example",
    "/%09/evil.example",
    "/%0d%0a/evil.example",
    "//evil.example@essaim.test",
    "/@evil.example",
    "https://essaim.test.evil.example/",
    "//%65vil.example",
    "/\u3002/evil.example",
    "／／evil.example",
]


def lands_on_this_site(location: str) -> bool:
    """Where a browser would go: tabs and newlines dropped, "\\" read as "/"."""
    seen = "".join(c for c in location if c not in "\t\r\n").replace("\\", "/").strip()
    target = urlsplit(urljoin("http://essaim.test/login", seen))
    return target.scheme in ("http", "https") and target.hostname == "essaim.test"


def test_the_check_itself_catches_a_foreign_host():
    assert not lands_on_this_site("/\\evil.example")
    assert not lands_on_this_site("https:evil.example")
    assert lands_on_this_site("/wiki/jardin?x=1")


@pytest.mark.parametrize("target", HOSTILE)
def test_login_never_redirects_away(client, user, target):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "csrf_token": token,
            "username": "camille",
            "password": "un mot de passe solide",
            "next": target,
        },
    )
    assert response.status_code == 302
    assert lands_on_this_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", HOSTILE)
def test_language_switch_never_redirects_away(client, target):
    token = csrf_token(client, "/")
    response = client.post("/language", data={"csrf_token": token, "lang": "en", "next": target})
    assert response.status_code == 302
    assert lands_on_this_site(response.headers["Location"]), response.headers["Location"]


@pytest.mark.parametrize("target", HOSTILE[:12])
def test_register_never_redirects_away(client, target):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "username": "nouvelle",
            "password": "une phrase assez longue",
            "confirm": "une phrase assez longue",
            "next": target,
        },
    )
    assert response.status_code == 302
    assert lands_on_this_site(response.headers["Location"]), response.headers["Location"]


def test_login_keeps_a_local_next_with_its_query():
    from wiki.auth.views import safe_next

    assert safe_next("/wiki/jardin/edit?type=experience") == "/wiki/jardin/edit?type=experience"
