"""Benchmark: festival booklets — laying out the demo experiences, and choosing among thousands.

Usage: python bench/booklet.py [--pages 1000 5000]

1. The demo content: each experience laid out as a booklet page (budget found, layouts tried,
   seconds), then the whole booklet built as the organiser's download does.
2. N experiences inserted directly: GET /booklet for a theme (count and list of the first
   ESSAIM_BOOKLET_MAX_PAGES) and the refusal of a POST above the limit, which must answer at
   once whatever N (nothing is laid out).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def app_on(data_dir: Path):
    from wiki import create_app

    return create_app(
        {
            "DATA_DIR": data_dir,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/b.db",
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "PUBLIC_URL": "https://essaim.example.org",
        }
    )


def demo_layouts() -> None:
    from flask_migrate import upgrade
    from sqlalchemy import select

    from wiki.demo import load_demo
    from wiki.extensions import db
    from wiki.festival import booklet, pdf
    from wiki.models import Page

    data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-booklet-"))
    app = app_on(data_dir)
    try:
        with app.app_context():
            upgrade()
            load_demo()
        with app.test_request_context("/"):
            pages = list(
                db.session.scalars(
                    select(Page).where(Page.type == "experience").order_by(Page.slug)
                )
            )
            info = booklet.BookletInfo("Fête des possibles", "14 juin 2026")
            print(f"\nDemo: {len(pages)} experiences, one booklet page each")
            print(f"  {'page':<44} {'budget':>6} {'layouts':>7} {'seconds':>8}")
            layouts = 0
            real_document = pdf.document

            def counted(*args, **kwargs):
                nonlocal layouts
                layouts += 1
                return real_document(*args, **kwargs)

            pdf.document = counted
            budget = 1.0
            try:
                for page in pages:
                    layouts, start = 0, time.perf_counter()
                    _laid, budget = pdf.fit_on_one_page(
                        lambda b, page=page: booklet._sheet_html(page, b, info, 3),
                        page_css=booklet.PAGE_CSS,
                        start=budget,  # as booklet.build does
                    )
                    seconds = time.perf_counter() - start
                    print(f"  {page.slug[:44]:<44} {budget:6.2f} {layouts:7d} {seconds:8.2f}")
            finally:
                pdf.document = real_document
            start = time.perf_counter()
            data = booklet.build(pages, info)
            print(
                f"  whole booklet: {len(pages) + 3} pages, {len(data) // 1024} KiB, "
                f"{time.perf_counter() - start:.1f} s"
            )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def seed(count: int) -> None:
    from wiki.extensions import db
    from wiki.models import Page, PageTheme, Revision

    for n in range(count):
        page = Page(
            slug=f"experience-{n:05d}",
            title=f"Expérience {n:05d}",
            short_code=f"b{n:07d}",
            type="experience",
            scale="commune",
        )
        db.session.add(page)
        db.session.flush()
        revision = Revision(page_id=page.id, number=1, title=page.title, text="# x", size=3)
        db.session.add(revision)
        db.session.flush()
        page.current_id = revision.id
        db.session.add(PageTheme(page_id=page.id, theme="alimentation"))
        if n % 1000 == 0:
            db.session.commit()
    db.session.commit()


def thousands(counts: list[int]) -> None:
    from flask_migrate import upgrade

    from wiki.extensions import db

    for count in counts:
        data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-booklet-"))
        app = app_on(data_dir)
        try:
            with app.app_context():
                upgrade()
                seed(count)
                client = app.test_client()
                print(
                    f"\n{count} experiences of one theme (limit {app.config['BOOKLET_MAX_PAGES']})"
                )
                picked = "&".join(f"slug=experience-{n:05d}" for n in range(400))
                for label, method, url, data in (
                    ("GET /booklet?theme=…", "get", "/booklet?theme=alimentation", None),
                    ("POST /booklet (refused)", "post", "/booklet", {"theme": "alimentation"}),
                    (
                        "GET /booklet?scale=…&slug=×400",
                        "get",
                        f"/booklet?scale=commune&{picked}",
                        None,
                    ),
                ):
                    start = time.perf_counter()
                    status = getattr(client, method)(url, data=data).status_code
                    print(f"  {label:<32} {time.perf_counter() - start:6.2f} s  (HTTP {status})")
                db.engine.dispose()
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 5000])
    args = parser.parse_args()
    demo_layouts()
    thousands(args.pages)


if __name__ == "__main__":
    main()
