"""Benchmark: the time each hostile input of issue 9 costs, from the function a request calls.

Usage: python bench/hostile.py [--timeout 60] [--only NAME,...] [--quick]
Each case runs in its own process (killed after --timeout seconds, shown as "> N s") and prints
the input's size, the time and what the user gets (an error message, a capped answer...).
--quick skips the 1 MB sizes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KB = 1024
MB = 1024 * KB


def alias_bomb(levels: int = 9) -> str:
    """The 403-byte "billion laughs": 9 levels of 9 aliases each."""
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    names = "abcdefghij"
    for i in range(1, levels):
        ref = names[i - 1]
        lines.append(f"{names[i]}: &{names[i]} [" + ",".join([f"*{ref}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + "\n---\n# Bombe\n"


def deep_yaml(depth: int) -> str:
    return "---\nx: " + "[" * depth + "]" * depth + "\n---\nTexte\n"


def fill(unit: str, size: int) -> str:
    return unit * (size // len(unit))


# name -> (sizes, builder(size) -> input, runner name)
CASES = {
    "yaml alias bomb (preview)": ([403], lambda n: alias_bomb(), "front_matter"),
    "yaml nesting 10,000 deep": ([10_000], deep_yaml, "front_matter"),
    "wiki links: runs of [ (index)": ([50 * KB, MB], lambda n: "[" * n, "extract_links"),
    "wiki links: runs of [ (render)": ([50 * KB, MB], lambda n: "[" * n, "render"),
    "wiki links: [[ runs (render)": ([50 * KB, MB], lambda n: fill("[[a", n), "render"),
    "emphasis: runs of *a (render)": ([50 * KB, MB], lambda n: fill("*a", n), "render"),
    "emphasis: runs of _ (render)": ([50 * KB, MB], lambda n: fill("a_", n), "render"),
    "heading anchors: ## a (view)": (
        [10_000 * 5, MB],
        lambda n: fill("## a\n", n),
        "render",
    ),
    "blockquote nesting > (render)": ([50 * KB, MB], lambda n: ">" * n, "render"),
    "list nesting (render)": ([50 * KB, MB], lambda n: fill("- ", n), "render"),
    "diff: text/blank lines": ([30 * KB, MB], None, "diff"),
    "diff: one long changed line": ([30 * KB, MB], None, "diff_line"),
    "search: 1,000-word query": ([1000], None, "search"),
}


def _run(runner: str, name: str, size: int, queue) -> None:
    try:
        start = time.perf_counter()
        outcome = RUNNERS[runner](name, size)
        queue.put((time.perf_counter() - start, outcome))
    except BaseException as error:  # noqa: BLE001 - a bench reports whatever happened
        queue.put((time.perf_counter() - start, f"{type(error).__name__}: {str(error)[:60]}"))


def run_front_matter(name, size):
    from wiki.content.frontmatter import FrontMatterError, split

    text = CASES[name][1](size)
    try:
        meta, _body = split(text)
    except FrontMatterError as error:
        return f"refused: {error.message[:60]}"
    return f"read ({len(meta)} keys)"


def run_extract_links(name, size):
    from wiki.render import extract_wiki_links

    return f"{len(extract_wiki_links(CASES[name][1](size)))} links"


def run_render(name, size):
    from wiki.render import render_markdown

    rendered = render_markdown(CASES[name][1](size))
    return f"{len(rendered.html) // KB} kB of HTML"


def _diff_pair(size):
    old = fill("texte\n\n", size)
    new = fill("\nautre\n", size)
    return old, new


def _line_pair(size):
    words = fill("mot ", size)
    return words, words.replace("mot", "mots", size // 40)[: len(words)] + "fin"


def _diff(old, new):
    from wiki.pages.diff import diff_texts

    result = diff_texts(old, new)
    note = getattr(result, "truncated", None)
    return f"+{result.added} -{result.removed}" + (" (coarse)" if note else "")


def run_diff(name, size):
    return _diff(*_diff_pair(size))


def run_diff_line(name, size):
    return _diff(*_line_pair(size))


def run_search(name, size):
    """A real request: /search on an app with a few pages, through the test client."""
    from flask_migrate import upgrade

    from wiki import create_app

    data_dir = Path(tempfile.mkdtemp(prefix="essaim-bench-hostile-"))
    try:
        app = create_app(
            {
                "DATA_DIR": data_dir,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir}/b.db",
                "SEARCH_INDEX_DIR": str(data_dir / "search"),
                "SEARCH_INDEXING": "sync",
                "SECRET_KEY": "bench",
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            upgrade()
            from wiki.auth.service import create_user
            from wiki.pages.service import save_page

            author = create_user("bench", "un mot de passe solide")
            for i in range(20):
                save_page(
                    slug=None,
                    title=f"Jardin partagé {i}",
                    text=f"# Jardin {i}\n\nLes habitants cultivent un jardin partagé {i}.\n",
                    author=author,
                    comment="",
                )
        words = " ".join(f"jardin{i} habitants" for i in range(size // 2))
        client = app.test_client()
        start = time.perf_counter()
        response = client.get("/search", query_string={"q": words})
        took = time.perf_counter() - start
        return f"HTTP {response.status_code} ({took:.2f} s for the request alone)"
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


RUNNERS = {
    "front_matter": run_front_matter,
    "extract_links": run_extract_links,
    "render": run_render,
    "diff": run_diff,
    "diff_line": run_diff_line,
    "search": run_search,
}


def human(size: int) -> str:
    if size >= MB:
        return f"{size / MB:g} MB"
    if size >= 10 * KB:
        return f"{size // KB} kB"
    return str(size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--only", default="")
    parser.add_argument("--quick", action="store_true", help="skip the 1 MB inputs")
    args = parser.parse_args()
    only = [o.strip() for o in args.only.split(",") if o.strip()]
    context = multiprocessing.get_context("fork")
    print(f"| {'hostile input':<34} | {'size':>8} | {'time (s)':>9} | outcome")
    print(f"|{'-' * 36}|{'-' * 10}:|{'-' * 10}:|---")
    for name, (sizes, _build, runner) in CASES.items():
        if only and not any(o in name for o in only):
            continue
        for size in sizes:
            if args.quick and size >= MB:
                continue
            queue = context.Queue()
            process = context.Process(target=_run, args=(runner, name, size, queue))
            start = time.perf_counter()
            process.start()
            process.join(args.timeout)
            if process.is_alive():
                process.kill()
                process.join()
                took, outcome = f"> {args.timeout:g}", "killed (still running)"
            else:
                try:
                    seconds, outcome = queue.get(timeout=5)
                    took = f"{seconds:.3f}"
                except Exception:  # noqa: BLE001
                    took = f"{time.perf_counter() - start:.3f}"
                    outcome = f"process died (exit code {process.exitcode})"
            print(f"| {name:<34} | {human(size):>8} | {took:>9} | {outcome}", flush=True)


if __name__ == "__main__":
    main()
