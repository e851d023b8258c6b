"""QR codes for print: SVG, PNG and PDF, in a chosen size and error-correction level, with the
short link printed under the code (a passer-by without a QR reader can type it).

segno makes the code; this module only lays out the code and its caption.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from pathlib import Path

import segno

FORMATS = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
ERROR_LEVELS = ("l", "m", "q", "h")
MIN_MM, MAX_MM, DEFAULT_MM = 15, 400, 40
MIN_DPI, MAX_DPI, DEFAULT_DPI = 72, 600, 300
# Room under the code for the link, as a share of the code's side.
CAPTION_SHARE = 0.14
_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


class QRRequestError(ValueError):
    """A size, level or format outside what the code can be made in."""


@dataclass(frozen=True)
class QRSpec:
    url: str
    size_mm: int = DEFAULT_MM
    error: str = "m"
    dpi: int = DEFAULT_DPI
    caption: bool = True

    @classmethod
    def parse(cls, url: str, args, default_mm: int = DEFAULT_MM) -> QRSpec:
        """From query arguments (?size=40&ec=q&dpi=300&caption=0), refusing nonsense."""
        from flask_babel import gettext as _

        def number(name: str, default: int, low: int, high: int) -> int:
            raw = args.get(name)
            if raw in (None, ""):
                return default
            try:
                value = int(raw)
            except ValueError:
                raise QRRequestError(_("“%(name)s” must be a whole number.", name=name)) from None
            if not low <= value <= high:
                raise QRRequestError(
                    _(
                        "“%(name)s” must be between %(low)s and %(high)s.",
                        name=name,
                        low=low,
                        high=high,
                    )
                )
            return value

        error = (args.get("ec") or "m").lower()
        if error not in ERROR_LEVELS:
            raise QRRequestError(_("The error-correction level must be L, M, Q or H."))
        return cls(
            url=url,
            size_mm=number("size", default_mm, MIN_MM, MAX_MM),
            error=error,
            dpi=number("dpi", DEFAULT_DPI, MIN_DPI, MAX_DPI),
            caption=args.get("caption", "1") not in ("0", "no", "false"),
        )


def label(url: str) -> str:
    """What is printed under the code: the link as one types it, without "https://"."""
    return re.sub(r"^https?://", "", url)


def make(url: str, error: str = "m") -> segno.QRCode:
    # boost_error: a short link leaves room for a higher level at the same size; take it.
    return segno.make(url, error=error, micro=False, boost_error=True)


def svg(spec: QRSpec) -> str:
    """The code scaled to size_mm, with the link under it, as one standalone SVG document."""
    code = make(spec.url, spec.error)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", scale=1, border=4, xmldecl=False, svgns=True, omitsize=True)
    inner = buffer.getvalue().decode("utf-8")
    side = spec.size_mm
    caption_h = side * CAPTION_SHARE if spec.caption else 0
    inner = inner.replace("<svg ", f'<svg x="0" y="0" width="{side}" height="{side}" ', 1)
    text = ""
    if spec.caption:
        font = _caption_size_mm(label(spec.url), side)
        text = (
            f'<text x="{side / 2:.2f}" y="{side + caption_h * 0.55:.2f}" font-size="{font:.2f}" '
            'text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" fill="#000">'
            f"{html.escape(label(spec.url))}</text>"
        )
    height = side + caption_h
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}mm" height="{height:.2f}mm" '
        f'viewBox="0 0 {side} {height:.2f}" role="img" aria-label="{html.escape(spec.url)}">'
        f"<title>{html.escape(spec.url)}</title>"
        f'<rect width="{side}" height="{height:.2f}" fill="#fff"/>{inner}{text}</svg>\n'
    )


def inline_svg(url: str, error: str = "m") -> str:
    """Just the code, without XML declaration or caption, to place inside an HTML page."""
    buffer = io.BytesIO()
    make(url, error).save(
        buffer, kind="svg", scale=1, border=4, xmldecl=False, svgns=True, omitsize=True, title=url
    )
    return buffer.getvalue().decode("utf-8")


def _caption_size_mm(url: str, side: float) -> float:
    # DejaVu Sans averages ~0.55 em per character; the link spans at most 94 % of the code.
    return min(side * CAPTION_SHARE * 0.55, side * 0.94 / (0.6 * max(len(url), 1)))


def png(spec: QRSpec) -> bytes:
    """The code at size_mm and dpi, modules on whole pixels, with the link printed under it."""
    from PIL import Image, ImageDraw, ImageFont

    code = make(spec.url, spec.error)
    target_px = round(spec.size_mm / 25.4 * spec.dpi)
    modules = code.symbol_size(scale=1, border=4)[0]
    scale = max(1, target_px // modules)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=4)
    buffer.seek(0)
    symbol = Image.open(buffer).convert("L")
    side = symbol.width
    caption_h = round(side * CAPTION_SHARE) if spec.caption else 0
    image = Image.new("L", (side, side + caption_h), 255)
    image.paste(symbol, (0, 0))
    if spec.caption:
        text = label(spec.url)
        size = max(8, round(_caption_size_mm(text, side)))
        font = _font(size, ImageFont)
        while size > 8 and font.getlength(text) > side * 0.94:
            size -= 1
            font = _font(size, ImageFont)
        draw = ImageDraw.Draw(image)
        draw.text((side / 2, side + caption_h * 0.4), text, fill=0, font=font, anchor="mm")
    out = io.BytesIO()
    dpi = (spec.dpi, spec.dpi)
    image.save(out, format="PNG", dpi=dpi, optimize=True)
    return out.getvalue()


def _font(size: int, image_font):
    for path in _FONTS:
        if Path(path).exists():
            return image_font.truetype(path, size)
    return image_font.load_default(size)


def pdf(spec: QRSpec) -> bytes:
    """One page the size of the code and its caption, to drop into a layout program."""
    from wiki.festival.pdf import html_to_pdf

    side = spec.size_mm
    height = side * (1 + CAPTION_SHARE) if spec.caption else side
    document = (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        f"@page {{ size: {side}mm {height:.2f}mm; margin: 0 }}"
        "html, body { margin: 0 } img { display: block; width: 100%; }"
        "</style></head><body>"
        f"<img alt='{html.escape(spec.url)}' src='data:image/svg+xml;charset=utf-8,"
        f"{_data(svg(spec))}'></body></html>"
    )
    return html_to_pdf(document, title=spec.url)


def _data(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")
