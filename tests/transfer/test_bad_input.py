"""Hostile or broken sources: a clear message per item, the rest goes on, nothing half written."""

from __future__ import annotations

import bz2
import random
import time

from sqlalchemy import func, select

from tests.transfer.conftest import dump_xml, page_xml
from wiki.models import Page, Revision
from wiki.pages import service


def _many_pages(count: int) -> str:
    """A dump of `count` pages of two revisions, ~3 kB of varied words each (so that bz2's
    100 kB blocks at level 1 hold a few dozen pages)."""
    words = random.Random(15).choices(WORDS, k=count * 450)
    return dump_xml(
        *(
            page_xml(
                f"Expérience {n:03d}",
                [
                    (n * 10 + 1, " ".join(words[n * 450 : n * 450 + 200])),
                    (n * 10 + 2, " ".join(words[n * 450 : n * 450 + 450])),
                ],
                page_id=n,
            )
            for n in range(count)
        )
    )


WORDS = (
    "jardin verger compost habitants mairie école friche récolte graines semis bénévoles "
    "association commune quartier énergie mobilité vélo covoiturage habitat eau rivière "
    "forêt haie prairie marché circuit court cantine repas déchets réemploi atelier"
).split()


def _revision_counts(db) -> list[int]:
    return list(
        db.session.scalars(
            select(func.count(Revision.id)).group_by(Revision.page_id).order_by(Revision.page_id)
        )
    )


def test_a_truncated_bz2_dump_keeps_the_whole_pages_read_and_says_where_it_stopped(
    run, tmp_path, db
):
    data = bz2.compress(_many_pages(150).encode("utf-8"), compresslevel=1)
    (tmp_path / "coupe.xml.bz2").write_bytes(data[: len(data) * 2 // 3])

    result = run("import", "mediawiki", tmp_path / "coupe.xml.bz2")

    assert result.exit_code == 1
    assert "n’a pas pu être lu jusqu’au bout" in result.output
    written = db.session.scalar(select(func.count(Page.id)))
    assert 0 < written < 150
    assert set(_revision_counts(db)) == {2}  # every page written has its whole history
    assert f"pages créées : {written}," in result.output


def test_a_corrupted_bz2_dump_is_refused_with_a_message_and_no_traceback(run, tmp_path, db):
    data = bytearray(bz2.compress(_many_pages(150).encode("utf-8"), compresslevel=1))
    data[len(data) // 2 : len(data) // 2 + 64] = b"\x00" * 64
    (tmp_path / "abime.xml.bz2").write_bytes(bytes(data))

    result = run("import", "mediawiki", tmp_path / "abime.xml.bz2")

    assert result.exit_code == 1
    assert "tronqué ou abîmé" in result.output and "Traceback" not in result.output
    assert set(_revision_counts(db)) <= {2}


def test_a_page_of_an_unknown_namespace_is_skipped_and_the_others_imported(run, tmp_path):
    dump = dump_xml(
        page_xml("Étrange", [(1, "texte")], ns=3000, page_id=1),
        page_xml("Verger", [(2, "Un verger.")], page_id=2),
    )
    (tmp_path / "ns.xml").write_text(dump, "utf-8")

    result = run("import", "mediawiki", tmp_path / "ns.xml")

    assert "espace de noms 3000 inconnu" in result.output
    assert service.find_page("verger") is not None
    assert result.exit_code == 1


def test_a_3_mb_revision_is_left_out_and_the_other_revisions_of_its_page_kept(run, tmp_path):
    huge = "Un très long texte. " * (3 * 1024 * 1024 // 20)
    dump = dump_xml(page_xml("Lourde", [(1, "Court."), (2, huge), (3, "Court encore.")], page_id=1))
    (tmp_path / "lourd.xml").write_text(dump, "utf-8")

    started = time.monotonic()
    result = run("import", "mediawiki", tmp_path / "lourd.xml")

    assert "trop long : 3225 ko pour 1024 ko permis" in result.output
    page = service.find_page("lourde").page
    assert [r.text for r in service.history(page)] == ["Court encore.\n", "Court.\n"]
    assert time.monotonic() - started < 10  # refused before being parsed


def test_templates_nested_50_deep_and_unbalanced_tables_arrive_with_a_note(run, tmp_path, client):
    nested = "{{a|" * 50 + "fond" + "}}" * 50
    table = '{| class="wikitable"\n| une cellule\n|-\n| pas de fin'
    dump = dump_xml(
        page_xml("Imbriqué", [(1, f"Avant.\n{nested}\nAprès.")], page_id=1),
        page_xml("Tableau bancal", [(2, f"Début.\n{table}\nFin.")], page_id=2),
    )
    (tmp_path / "bizarre.xml").write_text(dump, "utf-8")

    started = time.monotonic()
    result = run("import", "mediawiki", tmp_path / "bizarre.xml")

    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 10
    nested_html = client.get("/wiki/imbrique").get_data(as_text=True)
    assert "Avant." in nested_html and "Après." in nested_html
    assert "modèles MediaWiki n’ont pas pu être convertis" in nested_html
    table_html = client.get("/wiki/tableau-bancal").get_data(as_text=True)
    assert "une cellule" in table_html and "Fin." in table_html


def test_a_mapping_file_that_is_not_yaml_stops_before_anything_is_written(run, tmp_path, db):
    (tmp_path / "dump.xml").write_text(dump_xml(page_xml("Verger", [(1, "x")])), "utf-8")
    (tmp_path / "map.yaml").write_text("categories: [oups", "utf-8")

    result = run("import", "mediawiki", tmp_path / "dump.xml", "--mapping", tmp_path / "map.yaml")

    assert result.exit_code == 1
    assert "Le fichier de correspondance map.yaml ne peut pas être lu" in result.output
    assert db.session.scalar(select(func.count(Page.id))) == 0


def test_a_long_history_is_written_in_blocks_and_a_cut_keeps_the_complete_blocks(
    run, tmp_path, monkeypatch
):
    from wiki.transfer import mediawiki

    monkeypatch.setattr(mediawiki, "HISTORY_BLOCK", 3)
    revisions = [(n, f"Version {n} du texte.") for n in range(1, 11)]
    whole = dump_xml(page_xml("Longue histoire", revisions, page_id=1))
    (tmp_path / "long.xml").write_text(whole, "utf-8")

    result = run("import", "mediawiki", tmp_path / "long.xml")

    assert result.exit_code == 0, result.output
    assert "pages créées : 1, mises à jour : 0" in result.output
    page = service.find_page("longue-histoire").page
    assert [r.number for r in service.history(page)] == list(range(10, 0, -1))

    cut = whole[: whole.index("Version 8 du texte")]  # inside the eighth revision
    (tmp_path / "coupe.xml").write_text(cut, "utf-8")
    run("import", "undo", "1")
    result = run("import", "mediawiki", tmp_path / "coupe.xml")

    assert "blocs complets de 3 révisions" in result.output
    page = service.find_page("longue-histoire").page
    visible = [r for r in service.history(page) if not r.hidden]
    assert [r.text for r in visible][0] == "Version 6 du texte.\n"  # blocks 1-3 and 4-6
    assert len(visible) == 6


def test_an_entity_expansion_bomb_is_refused_quickly(run, tmp_path, db):
    entities = '<!ENTITY a0 "ha">' + "".join(
        f'<!ENTITY a{n} "{("&a" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    )
    bomb = f"<?xml version='1.0'?><!DOCTYPE mediawiki [{entities}]>\n" + dump_xml(
        page_xml("Bombe", [(1, "x")])
    ).replace(">x<", ">&a9;<")
    (tmp_path / "bombe.xml").write_text(bomb, "utf-8")

    started = time.monotonic()
    result = run("import", "mediawiki", tmp_path / "bombe.xml")

    assert time.monotonic() - started < 10
    assert result.exit_code == 1 and "n’a pas pu être lu jusqu’au bout" in result.output
    assert db.session.scalar(select(func.count(Page.id))) == 0
