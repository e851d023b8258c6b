"""Two hosts, each with its own data dir and search index, on one PostgreSQL database."""

from __future__ import annotations

import json

from tests.ops.server import Server, Visitor, found, wait_for
from tests.postgres import fresh_database, needs_postgres

PASSWORD = "un mot de passe solide"


@needs_postgres
def test_a_save_on_one_host_is_found_on_the_other_and_a_stopped_host_catches_up(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with fresh_database() as url:
        hosts = {"ESSAIM_DATABASE_URL": url, "ESSAIM_RATELIMIT_ENABLED": "0"}  # 50 quick saves
        a = Server(tmp_path / "a", workers=1, **hosts)
        b = Server(tmp_path / "b", workers=1, **hosts)
        a.essaim("db", "upgrade")
        a.essaim("users", "create", "camille", "--password", PASSWORD)
        a.start()
        b.start()
        try:
            for _ in range(2):  # B starts following the log on its first request
                b.get("/healthz")
            camille = Visitor(a)
            camille.log_in("camille", PASSWORD)
            camille.save(
                "grainotheque-de-douai",
                "Grainothèque de Douai",
                "# Grainothèque\n\nDes semences paysannes échangées à la médiathèque.",
            )
            seconds = wait_for(lambda: found(b, "grainotheque") == 1, timeout=5)
            print(f"\nsave on A found by a search on B after {seconds:.2f} s")

            b.stop()

            # 50 saves on A while B is stopped: A's own command line, one transaction each.
            folder = tmp_path / "ateliers"
            folder.mkdir()
            for n in range(50):
                (folder / f"atelier-velo-{n}.md").write_text(
                    f"# Atelier vélo {n}\n\nRéparation solidaire de bicyclettes, séance {n}.\n"
                )
            a.essaim("import", str(folder), "--author", "camille", timeout=300)
            wait_for(lambda: found(a, "bicyclettes") == 50, timeout=60)  # A indexes them too
            b.start()
            seconds = wait_for(lambda: found(b, "bicyclettes") == 50, timeout=60)
            print(f"B restarted: 50 saves made while it was stopped found after {seconds:.2f} s")
            status, body = b.get("/readyz")
            assert status == 200 and json.loads(body)["index_lag"] == 0, body
        finally:
            a.stop()
            b.stop()
