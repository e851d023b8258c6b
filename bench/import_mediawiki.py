"""Benchmark: `essaim import mediawiki` on a generated French dump, time per 1,000 revisions.

Usage: python bench/import_mediawiki.py [--pages 200] [--revisions 10] [--kb 4] [--bz2]
Writes a dump of PAGES pages of REVISIONS revisions (~KB kB of wikitext each: headings, links,
categories, a template, a table, lists), then imports it into an empty SQLite wiki in a temp
dir (search indexing included, as the command does) and prints the time per 1,000 revisions,
the conversion alone (wikitext → Markdown) and the peak memory. Run it twice with different
sizes to see that the cost grows linearly.
"""

from __future__ import annotations

import argparse
import bz2
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = (
    "jardin partagé habitants énergie citoyenne levier verrou élus bénévoles foncier "
    "commune quartier coopérative budget participatif monnaie locale tiers-lieu mobilité "
    "compost cantine circuit court friche école association"
).split()
CATEGORIES = ["Alimentation", "Énergie", "Gouvernance", "Mobilité", "Jardins partagés"]


def wikitext(page: int, revision: int, kb: int, rng: random.Random) -> str:
    parts = [f"{{{{Infobox expérience|commune=Commune {page}|début={2000 + page % 25}}}}}\n"]
    size, n = 0, 0
    while size < kb * 1024:
        n += 1
        words = " ".join(rng.choice(WORDS) for _ in range(80))
        block = (
            f"== Section {n} ==\n'''{rng.choice(WORDS)}''' {words} "
            f"[[Expérience {rng.randrange(1000)}|voir]] ''{rng.choice(WORDS)}''.\n"
            f"* {rng.choice(WORDS)}\n** {rng.choice(WORDS)}\n"
            '{| class="wikitable"\n! Année !! Valeur\n|-\n'
            f"| {2000 + n} || {rng.randrange(1000)}\n|}}\n"
        )
        parts.append(block)
        size += len(block.encode())
    parts.append(f"Révision {revision}.\n[[Catégorie:{CATEGORIES[page % len(CATEGORIES)]}]]\n")
    return "".join(parts)


def write_dump(path: Path, pages: int, revisions: int, kb: int, compress: bool) -> int:
    rng = random.Random(15)
    opener = bz2.open if compress else open
    with opener(path, "wt", encoding="utf-8") as out:
        out.write(
            '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" '
            'xml:lang="fr"><siteinfo><sitename>Banc</sitename><dbname>banc</dbname>'
            "<base>x</base><generator>MediaWiki 1.39</generator><case>first-letter</case>"
            '<namespaces><namespace key="0" case="first-letter" />'
            '<namespace key="14" case="first-letter">Catégorie</namespace></namespaces>'
            "</siteinfo>\n"
        )
        revision_id = 0
        for page in range(pages):
            out.write(f"<page><title>Expérience {page}</title><ns>0</ns><id>{page + 1}</id>")
            for number in range(revisions):
                revision_id += 1
                out.write(
                    f"<revision><id>{revision_id}</id>"
                    f"<timestamp>20{10 + number % 15}-0{1 + number % 9}-01T10:00:00Z</timestamp>"
                    f"<contributor><username>Auteur {number % 7}</username>"
                    f"<id>{number % 7 + 1}</id></contributor><comment>modif {number}</comment>"
                    "<model>wikitext</model><format>text/x-wiki</format>"
                    f'<text xml:space="preserve">{escape(wikitext(page, number, kb, rng))}</text>'
                    "</revision>"
                )
            out.write("</page>\n")
        out.write("</mediawiki>\n")
    return revision_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--revisions", type=int, default=10)
    parser.add_argument("--kb", type=int, default=4)
    parser.add_argument("--bz2", action="store_true", help="compress the dump (read with bz2)")
    args = parser.parse_args()
    from flask_migrate import upgrade

    from wiki import create_app
    from wiki.search import index
    from wiki.transfer.mediawiki import Settings, import_dump
    from wiki.transfer.wikitext import Context, convert

    data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-import-"))
    try:
        dump = data_dir / ("dump.xml.bz2" if args.bz2 else "dump.xml")
        total = write_dump(dump, args.pages, args.revisions, args.kb, args.bz2)
        app = create_app(
            {
                "DATA_DIR": data_dir,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/b.db",
                "SEARCH_INDEX_DIR": str(data_dir / "search"),
                "SECRET_KEY": "bench",
                "SEARCH_INDEXING": "off",
            }
        )
        with app.app_context():
            upgrade()
            rng = random.Random(1)
            sample = [wikitext(p, 0, args.kb, rng) for p in range(200)]
            started = time.perf_counter()
            for text in sample:
                convert(text, Context(namespaces={"catégorie": 14}))
            conversion = (time.perf_counter() - started) / len(sample) * 1000

            started = time.perf_counter()
            _batch, report = import_dump(dump, Settings())
            imported = time.perf_counter() - started
            started = time.perf_counter()
            index.drain_all(index.target_for())
            indexed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{args.pages} pages × {args.revisions} revisions = {total} revisions of "
            f"~{args.kb} kB ({dump.stat().st_size / 1e6:.1f} MB {'bz2' if args.bz2 else 'XML'})"
        )
        print(f"written: {report.revisions} revisions, {len(report.created)} pages")
        print(
            f"import (read + convert + write): {imported / total * 1000:.2f} s per 1,000 revisions"
        )
        print(f"  of which wikitext → Markdown: {conversion:.2f} s per 1,000 revisions")
        print(f"search indexing after it: {indexed / args.pages * 1000:.2f} s per 1,000 pages")
        print(f"peak memory: {peak:.0f} MB")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
