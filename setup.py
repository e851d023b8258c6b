"""Build hook: the wheel carries templates/, static/ and migrations/ and compiled translations.

They stay at the top of the repository (design card); setuptools only packages what lies inside
the package, so the build copies them into wiki/_bundled/ and compiles the .po catalogues to .mo
(not versioned). wiki.site_path() finds them there once installed, beside the package in a clone.
Everything else about the package is in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SITE_FOLDERS = ("templates", "static", "migrations")


class BuildWithSiteFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the clone itself
        package = Path(self.build_lib) / "wiki"
        for name in SITE_FOLDERS:
            target = package / "_bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(
                HERE / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        compile_catalogues(HERE / "wiki" / "translations", package / "translations")


def compile_catalogues(source: Path, target: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=True)


setup(cmdclass={"build_py": BuildWithSiteFiles})
