"""The French territories of INSEE's Code officiel géographique at every scale: communes,
intercommunalities (EPCI), departments and regions; look-up by code, search by name."""

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
    "Epci",
    "Place",
    "all_communes",
    "centre_of",
    "epci_list",
    "epci_of",
    "get_epci",
    "members_of",
    "place_for_code",
    "place_for_key",
    "search_epci",
    "territory_key",
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


@dataclass(frozen=True)
class Epci:
    """An intercommunality (EPCI à fiscalité propre), by its SIREN code, with its communes."""

    code: str
    name: str
    nature: str  # CC, CA, CU, METRO, MET69
    population: int | None
    members: tuple[str, ...]  # INSEE codes of its communes

    @property
    def department(self) -> str:
        """The department most of its people live in (an EPCI may straddle two)."""
        weights: dict[str, int] = {}
        for code in self.members:
            commune = get_commune(code)
            if commune:
                weights[commune.department] = weights.get(commune.department, 0) + (
                    commune.population or 1
                )
        return max(weights, key=weights.get) if weights else ""


@dataclass(frozen=True)
class Place:
    """A territory at any scale: what a page's official code designates."""

    level: str  # "commune", "epci", "department", "region"
    code: str
    name: str
    commune: str | None = None  # INSEE code, when a commune
    epci: str | None = None  # SIREN code of the EPCI it is or belongs to
    department: str | None = None
    region: str | None = None

    @property
    def key(self) -> str:
        """Its address under /territories/: "59491", "243500741", "departement-59", "region-32"."""
        return territory_key(self.level, self.code)


# Departments and regions share codes ("32"), so their page keys say which one is meant; the
# same keys are what people follow (wiki.social.follows).
KEY_PREFIXES = {"department": "departement-", "region": "region-"}


def territory_key(level: str | None, code: str | None) -> str | None:
    return f"{KEY_PREFIXES.get(level or '', '')}{code}" if code else None


def place_for_key(key: str) -> Place | None:
    """The territory a /territories/ key designates (commune, EPCI, department, region)."""
    key = key.strip()
    for level, prefix in KEY_PREFIXES.items():
        if key.lower().startswith(prefix):
            code = key[len(prefix) :]
            return place_for_code(code, "région" if level == "region" else None)
    if len(key) == 5 or (len(key) == 9 and key.isdigit()):
        return place_for_code(key)
    return None


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


@functools.cache
def _epcis() -> dict[str, Epci]:
    text = resources.files(__package__).joinpath("data/epci.csv").read_text("utf-8")
    return {
        row["code"]: Epci(
            code=row["code"],
            name=row["name"],
            nature=row["nature"],
            population=_number(row["population"], int),
            members=tuple(row["members"].split()),
        )
        for row in csv.DictReader(io.StringIO(text))
    }


@functools.cache
def _epci_by_commune() -> dict[str, str]:
    return {member: epci.code for epci in _epcis().values() for member in epci.members}


def search_epci(words: str, limit: int = 3) -> list[Epci]:
    """Intercommunalities whose name holds every word typed (accents and case ignored), most
    populated first: "redon" finds "CA Redon Agglomération"."""
    wanted = fold(words).split()
    if not wanted or limit <= 0:
        return []
    found = [e for e in _epcis().values() if all(w in fold(e.name) for w in wanted)]
    return sorted(found, key=lambda e: -(e.population or 0))[:limit]


def epci_list() -> list[Epci]:
    return list(_epcis().values())


def get_epci(code: str | None) -> Epci | None:
    """The intercommunality of this SIREN code ("243500741"), or None."""
    return _epcis().get(str(code or "").strip())


def epci_of(commune_code: str | None) -> Epci | None:
    """The intercommunality a commune belongs to, or None (a few islands belong to none)."""
    return get_epci(_epci_by_commune().get(str(commune_code or "").strip().upper()))


def members_of(level: str, code: str) -> list[Commune]:
    """The communes of a territory: itself, an EPCI's members, a department's or a region's."""
    if level == "commune":
        return [c for c in (get_commune(code),) if c]
    if level == "epci":
        epci = get_epci(code)
        return [c for c in map(get_commune, epci.members if epci else ()) if c]
    if level == "department":
        return [c for c in _communes().values() if c.department == code]
    if level == "region":
        departments = {d.code for d in department_list() if d.region == code}
        return [c for c in _communes().values() if c.department in departments]
    return []


@functools.cache
def centre_of(level: str, code: str) -> tuple[float, float] | None:
    """(lat, lon): a commune's own point, else the mean of its communes' points weighted by
    population, so that a territory's marker sits where its people live."""
    total = lat = lon = 0.0
    for commune in members_of(level, code):
        if commune.lat is None or commune.lon is None:
            continue
        weight = commune.population or 1
        total += weight
        lat += commune.lat * weight
        lon += commune.lon * weight
    return (round(lat / total, 5), round(lon / total, 5)) if total else None


def place_for_code(code: str | None, scale: str | None = None) -> Place | None:
    """The territory an official code designates, or None when no list has it.

    5 characters: a commune (INSEE); 9 digits: an EPCI (SIREN); 2 or 3: a department, or a
    region when the scale says "région" (the two lists share codes: "32" is the Gers and
    Hauts-de-France).
    """
    code = str(code or "").strip().upper()
    if len(code) == 5:
        commune = get_commune(code)
        if commune is None:
            return None
        department = get_department(commune.department)
        epci = epci_of(code)
        return Place(
            "commune",
            code,
            commune.name,
            commune=code,
            epci=epci.code if epci else None,
            department=commune.department,
            region=department.region if department else None,
        )
    if len(code) == 9 and code.isdigit():
        epci = get_epci(code)
        if epci is None:
            return None
        department = get_department(epci.department)
        return Place(
            "epci",
            code,
            epci.name,
            epci=code,
            department=department.code if department else None,
            region=department.region if department else None,
        )
    if scale == "région":
        region = get_region(code)
        return Place("region", code, region.name, region=code) if region else None
    department = get_department(code)
    if department is None:
        return None
    return Place(
        "department",
        department.code,
        department.name,
        department=department.code,
        region=department.region or None,
    )


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
