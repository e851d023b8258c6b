"""What a phone downloads for a 12-megapixel photo, and what the upload costs the server.

Makes a photo-like 4000×3000 JPEG (textured, noisy, blurred like a real scene, with EXIF
position and camera as a phone writes them), runs it through the upload checks
(wiki.files.content.examine) and prints the size of each served variant and the time taken.

    .venv/bin/python bench/files.py [--runs 3]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

from PIL import Image, ImageDraw, ImageFilter

from wiki.files.content import examine


def photo_like(width: int = 4000, height: int = 3000, seed: int = 7) -> bytes:
    import random

    rng = random.Random(seed)
    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    base = Image.merge(
        "RGB",
        (
            sky.getchannel(0).point(lambda v: 90 + v // 3),
            sky.getchannel(0).point(lambda v: 150 - v // 4),
            sky.getchannel(0).point(lambda v: 220 - v // 2),
        ),
    )
    draw = ImageDraw.Draw(base)
    for _ in range(1500):  # leaves, trunks, grass: many edges, as in an orchard
        x, y = rng.randrange(width), rng.randrange(height // 3, height)
        r = rng.randrange(8, 90)
        colour = (rng.randrange(20, 120), rng.randrange(90, 200), rng.randrange(10, 90))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    noise = Image.effect_noise((width, height), 28).convert("RGB")
    textured = Image.blend(base.filter(ImageFilter.GaussianBlur(2)), noise, 0.18)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Google", "Pixel 7"
    exif[0x8825] = {1: "N", 2: (50.0, 23.0, 52.8), 3: "E", 4: (3.0, 29.0, 9.6)}
    out = io.BytesIO()
    textured.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    original = photo_like()
    print(f"upload: 4000×3000 JPEG from the phone, {len(original) / 1e6:.2f} MB")
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        examined = examine(original, "IMG_0001.jpg")
        times.append(time.perf_counter() - start)
    print(
        f"checks, cleaning and thumbnails: median {statistics.median(times):.2f} s "
        f"over {args.runs} runs (min {min(times):.2f} s)"
    )
    print(f"stored original (EXIF removed, re-encoded q90): {len(examined.data) / 1e6:.2f} MB")
    for width, data in sorted(examined.thumbnails.items()):
        print(f"served WebP {width} px wide: {len(data) / 1e3:.0f} kB")
    print(
        "a 390 px wide phone screen picks 640w at 1× density and 1280w at 2× and 3× "
        "(sizes: 100vw below 50rem)"
    )


if __name__ == "__main__":
    main()
