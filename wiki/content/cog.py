"""The French communes of INSEE's Code officiel géographique: look-up by code, search by name."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
from dataclasses import dataclass
from importlib import resources

from .text import fold

__all__ = [
    "Commune",
    "Division",
    "all_communes",
    "get_commune",
    "department_list",
    "get_department",
    "get_region",
    "region_list",
    "search_communes",
]

_CODE = re.compile(r"^(?:\d{1,5}|2[ab]\d{0,3})$", re.IGNORECASE)
# Articles a name may start with, so that "havre" finds "Le Havre".
_ARTICLES = ("le ", "la ", "les ", "l ")


@dataclass(frozen=True)
class Commune:
    code: str
    name: str
    department: str
    lat: float | None
    lon: float | None
    population: int | None = None

    @property
    def department_division(self) -> Division | None:
        return get_department(self.department)

    @property
    def region_division(self) -> Division | None:
        department = get_department(self.department)
        return get_region(department.region) if department else None


@dataclass(frozen=True)
class Division:
    """A department (with its region's code) or a region."""

    code: str
    name: str
    region: str = ""


def _number(text: str, kind):
    return kind(text) if text else None


@functools.cache
def _communes() -> dict[str, Commune]:
    raw = resources.files(__package__).joinpath("data/communes.csv.gz").read_bytes()
    rows = csv.DictReader(io.StringIO(gzip.decompress(raw).decode("utf-8")))
    return {
        row["code"]: Commune(
            code=row["code"],
            name=row["name"],
            department=row["department"],
            lat=_number(row["lat"], float),
            lon=_number(row["lon"], float),
            population=_number(row["population"], int),
        )
        for row in rows
    }


@functools.cache
def _folded_names() -> list[tuple[str, Commune]]:
    # Largest first, so that autocomplete offers the town people most likely mean.
    ordered = sorted(_communes().values(), key=lambda c: (-(c.population or 0), c.name))
    return [(fold(c.name), c) for c in ordered]


@functools.cache
def _divisions(filename: str) -> dict[str, Division]:
    text = resources.files(__package__).joinpath(f"data/{filename}").read_text("utf-8")
    return {
        row["code"]: Division(row["code"], row["name"], row.get("region", ""))
        for row in csv.DictReader(io.StringIO(text))
    }


def department_list() -> list[Division]:
    return list(_divisions("departments.csv").values())


def region_list() -> list[Division]:
    return list(_divisions("regions.csv").values())


def get_department(code: str | None) -> Division | None:
    """The department of this code ("59", "2A", "974"), with its region's code, or None."""
    return _divisions("departments.csv").get(str(code or "").strip().upper())


def get_region(code: str | None) -> Division | None:
    """The region (or overseas collectivity) of this code ("32", "975"), or None."""
    return _divisions("regions.csv").get(str(code or "").strip())


def all_communes() -> list[Commune]:
    """Every current commune, sorted by code."""
    return list(_communes().values())


def get_commune(code: str) -> Commune | None:
    """The commune with this INSEE code ("59491", "2A004"), or None."""
    return _communes().get(str(code).strip().upper())


def search_communes(prefix: str, limit: int = 10) -> list[Commune]:
    """Communes whose name (accents, case, hyphens ignored) or code starts with prefix."""
    prefix = prefix.strip()
    if not prefix or limit <= 0:
        return []
    if _CODE.match(prefix):
        wanted = prefix.upper()
        return [c for code, c in _communes().items() if code.startswith(wanted)][:limit]
    folded = fold(prefix)
    if not folded:
        return []
    exact, starts = [], []
    for name, commune in _folded_names():
        bare = next((name[len(a) :] for a in _ARTICLES if name.startswith(a)), name)
        if folded in (name, bare):
            exact.append(commune)
        elif name.startswith(folded) or bare.startswith(folded):
            starts.append(commune)
        if len(exact) >= limit:
            break
    return (exact + starts)[:limit]
