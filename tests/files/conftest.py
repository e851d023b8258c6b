"""Files fixtures: real photos made with Pillow (with EXIF position and camera), upload helper."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.conftest import csrf_token

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112
MAKE, MODEL = 0x010F, 0x0110


def photo(width=1600, height=1200, orientation=None, gps=True, fmt="JPEG", color=(90, 140, 60)):
    """A photo-like picture: gradient and shapes, with a phone's EXIF (position, camera)."""
    image = Image.new("RGB", (width, height), color)
    pixels = image.load()
    for x in range(0, width, max(1, width // 64)):
        for y in range(0, height, max(1, height // 48)):
            pixels[x, y] = ((x * 255) // width, (y * 255) // height, 128)
    # A red block in the top-left corner: after applying orientation 6 it must be top-right.
    image.paste((220, 20, 20), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    exif[MAKE] = "Google"
    exif[MODEL] = "Pixel 7"
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (50.0, 23.0, 52.8), 3: "E", 4: (3.0, 29.0, 9.6)}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes(), quality=92)
    return out.getvalue()


@pytest.fixture
def upload(client):
    """POST a file to /files/new as the editor's script does (JSON answer)."""

    def send(data: bytes, filename="verger.jpg", alt="Le verger partagé au printemps", **fields):
        token = csrf_token(client, "/files/new")
        form = {
            "csrf_token": token,
            "file": (io.BytesIO(data), filename),
            "alt": alt,
            "credit": fields.pop("credit", "Camille Martin"),
            **fields,
        }
        return client.post(
            "/files/new",
            data=form,
            content_type="multipart/form-data",
            headers={"Accept": "application/json"},
        )

    return send


def stored_blobs(app) -> list:
    root = app.config["DATA_DIR"] / "files"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def media_urls(html: str) -> list[str]:
    return re.findall(r'(/media/[^"\s,]+)', html)
