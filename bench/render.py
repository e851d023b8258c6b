"""Benchmark: showing a page (Markdown → safe HTML), cold and from the render cache.

Usage: python bench/render.py [--kb 50,500,1000]
Prints the time to show a generated French page of each size the first time and again.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

WORDS = (
    "jardin partagé habitants énergie citoyenne levier verrou élus bénévoles foncier "
    "commune quartier coopérative budget participatif monnaie locale tiers-lieu mobilité"
).split()


def page_text(kb: int, rng: random.Random) -> str:
    parts, size, n = [], 0, 0
    while size < kb * 1024:
        n += 1
        para = " ".join(rng.choice(WORDS) for _ in range(60))
        block = f"## Section {n}\n\n{para} [[Page {n % 40}]].\n\n- {rng.choice(WORDS)} et {rng.choice(WORDS)}\n\n"
        parts.append(block)
        size += len(block.encode())
    return "# Page de test\n\n" + "".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", default="50,500,1000")
    args = parser.parse_args()
    from flask_migrate import upgrade

    from wiki import create_app
    from wiki.pages import display

    data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-render-"))
    app = create_app(
        {
            "DATA_DIR": data_dir,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/b.db",
            "SECRET_KEY": "bench",
            "SERVER_NAME": "bench.local",
        }
    )
    rng = random.Random(42)
    print(f"{'size':>8} {'cold (s)':>10} {'warm (ms)':>10}")
    try:
        with app.app_context():
            upgrade()
            for kb in (int(k) for k in args.kb.split(",")):
                text = page_text(kb, rng)
                start = time.perf_counter()
                display.show(text)
                cold = time.perf_counter() - start
                start = time.perf_counter()
                display.show(text)
                warm = time.perf_counter() - start
                print(f"{kb:>6}kB {cold:>10.2f} {warm * 1000:>10.1f}")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
