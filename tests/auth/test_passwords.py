"""Password rules (NIST SP 800-63B), names, and login answers that reveal nothing."""

import re
import statistics
import time

import pytest

from tests.conftest import csrf_token
from wiki.auth import passwords, service


@pytest.mark.parametrize(
    "password",
    [
        "court",
        "onze signes",
        "123456789012",
        "qwertyuiopasdfgh",
        "Azertyuiop123",
        "aaaaaaaaaaaaaaaa",
    ],
)
def test_short_or_common_passwords_are_refused(app, password):
    with pytest.raises(service.AccountError) as refused:
        service.create_user("yanis", password)
    assert refused.value.field == "password"


def test_the_shipped_list_is_the_20000_common_passwords():
    assert len(passwords.common_passwords()) >= 19_000
    assert "password1234" in passwords.common_passwords()


def test_a_long_sentence_with_spaces_and_accents_is_accepted(app):
    user = service.create_user("yanis", "les abeilles d’été butinent")
    assert service.authenticate("yanis", "les abeilles d’été butinent") is user


def test_passwords_are_compared_after_unicode_normalisation(app):
    service.create_user("yanis", "cafe\u0301 au jardin partagé")  # "é" as e + accent
    assert service.authenticate("yanis", "café au jardin partagé") is not None


def test_register_form_shows_the_rules_before_the_first_submit(client):
    html = client.get("/register").get_data(as_text=True)
    assert "12" in html and "sans espaces" in html and "accents bienvenus" in html


def test_register_keeps_what_was_typed_except_passwords(client, db):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "username": "Marie Dupont",
            "display_name": "Marie Dupont",
            "email": "marie@example.org",
            "password": "une phrase assez longue",
            "confirm": "une phrase assez longue",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'value="Marie Dupont"' in html and 'value="marie@example.org"' in html
    assert "une phrase assez longue" not in html


def test_display_name_with_spaces_and_accents_is_shown_in_history(client, db):
    token = csrf_token(client, "/register")
    response = client.post(
        "/register",
        data={
            "csrf_token": token,
            "username": "helene-b",
            "display_name": "Hélène Bœuf",
            "password": "une phrase assez longue",
            "confirm": "une phrase assez longue",
        },
    )
    assert response.status_code == 302
    assert "Hélène Bœuf" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "name", ["Camille", "CAMILLE", "cami1le", "camiIle", "ｃａｍｉｌｌｅ", "c.a.m.i.l.l.e"]
)
def test_confusable_usernames_of_an_existing_account_are_refused(app, user, name):
    with pytest.raises(service.AccountError) as refused:
        service.create_user(name, "une phrase assez longue")
    assert refused.value.status == 409


@pytest.mark.parametrize(
    "name", ["a" * 33, "a", "<script>", "nom\u202eetrange", "x\x00y", "", "mаrie", "marie dupont"]
)
def test_overlong_odd_or_mixed_script_usernames_are_refused_with_the_rule(app, name):
    with pytest.raises(service.AccountError) as refused:
        service.create_user(name, "une phrase assez longue")
    assert "2" in str(refused.value.message) and "32" in str(refused.value.message)


def test_accented_login_names_are_accepted_and_lowered(app):
    assert service.create_user("Léa", "une phrase assez longue").username == "léa"
    assert service.find_user("LÉA").display_name == "Léa"


def test_unknown_account_and_wrong_password_get_the_same_answer_and_time(client, user):
    token = csrf_token(client, "/login")

    def attempt(name):
        start = time.perf_counter()
        response = client.post(
            "/login", data={"csrf_token": token, "username": name, "password": "pas le bon mot"}
        )
        return response, time.perf_counter() - start

    wrong, _t = attempt("camille")
    unknown, _t = attempt("personne")
    assert wrong.status_code == unknown.status_code == 401

    def body(response):
        html = response.get_data(as_text=True).replace("camille", "X").replace("personne", "X")
        return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)

    assert body(wrong) == body(unknown)
    known = statistics.median(attempt("camille")[1] for _ in range(5))
    absent = statistics.median(attempt("personne")[1] for _ in range(5))
    # Both pay one scrypt; a lookup that skipped it would be ~100x faster.
    assert absent > known / 5
