"""What an uploaded file really is, read from its bytes: a photo to clean, or a document.

The name a browser sends is never trusted for the type. Images are decoded by Pillow and
re-encoded, so what is stored and served holds pixels only: orientation applied, EXIF (GPS
position, camera, owner), XMP, comments and any bytes smuggled after the image (a JPEG/HTML
polyglot) are gone. Documents are recognised by their structure: PDF by its header, OpenDocument
and Office Open XML by the parts of their zip archive, CSV as UTF-8 text.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

# A 12-megapixel phone photo is 4000×3000; panoramas reach ~40 MP. Beyond this a picture is
# refused (a "decompression bomb": a small PNG that would need gigabytes once decoded).
MAX_PIXELS = 50_000_000

THUMBNAIL_WIDTHS = (320, 640, 1280)

IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}

DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv",
}
_ODF_EXTENSIONS = {mime: ext for ext, mime in DOCUMENT_TYPES.items() if ext.startswith("od")}
# The main part of each Office Open XML kind (ECMA-376): its presence tells the kind.
_OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}

ACCEPTED_HINT = _l(
    "Accepted: photos (JPEG, PNG, WebP) and documents (PDF, ODT, ODS, ODP, DOCX, XLSX, PPTX, CSV)."
)


class Refused(ValueError):
    """The content cannot be accepted; ``message`` says why, in words a volunteer understands."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.message = message
        self.status = status


@dataclass
class Examined:
    kind: str  # image | document
    mime: str
    extension: str
    data: bytes  # what is stored: the cleaned image, or the document as sent
    width: int | None = None
    height: int | None = None
    thumbnails: dict[int, bytes] = field(default_factory=dict)  # width → WebP bytes
    sha256: str = ""  # of ``data``, set when stored


def examine(data: bytes, filename: str = "") -> Examined:
    """Tell what ``data`` is and prepare what will be stored; raise Refused otherwise."""
    if not data:
        raise Refused(
            _l("The file is empty (0 bytes). Choose the file again: the copy may have failed.")
        )
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) or b"<svg" in head:
        raise Refused(
            _l(
                "SVG drawings are not accepted: they can contain programs. "
                "Export the drawing as PNG and send that instead."
            )
        )
    image = _open_image(data)
    if image is not None:
        return _prepare_image(image)
    document = _document_type(data, filename)
    if document is not None:
        return Examined("document", DOCUMENT_TYPES[document], document, data)
    if head.startswith((b"<!doctype", b"<html", b"<script", b"<")) or b"<html" in head:
        raise Refused(
            _l(
                "This file is a web page (HTML), whatever its name says. "
                "Only photos and documents can be added. %(accepted)s",
                accepted=ACCEPTED_HINT,
            )
        )
    raise Refused(_l("This kind of file is not accepted. %(accepted)s", accepted=ACCEPTED_HINT))


def _open_image(data: bytes) -> Image.Image | None:
    """The decoded image, or None when the bytes are no picture Pillow knows."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in IMAGE_FORMATS:
                if image.format in ("GIF", "BMP", "TIFF", "ICO"):
                    raise Refused(
                        _l(
                            "Pictures in %(format)s are not accepted. Save it as JPEG or PNG "
                            "(every phone and image editor can), then send it again.",
                            format=image.format,
                        )
                    )
                return None
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels(image.width, image.height)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(None, None) from None
    except UnidentifiedImageError:
        return None
    except (OSError, SyntaxError, ValueError) as error:
        if isinstance(error, Refused):
            raise
        raise Refused(
            _l(
                "This picture is damaged or incomplete (the upload may have been cut off). "
                "Send it again."
            )
        ) from None
    return image


def _too_many_pixels(width, height) -> Refused:
    if width and height:
        return Refused(
            _l(
                "This picture is too large: %(width)s × %(height)s pixels, more than "
                "%(limit)s million. Reduce it to the size of a phone photo and send it again.",
                width=width,
                height=height,
                limit=MAX_PIXELS // 1_000_000,
            )
        )
    return Refused(
        _l(
            "This picture would take too much memory to open (more than %(limit)s million "
            "pixels). Reduce it and send it again.",
            limit=MAX_PIXELS // 1_000_000,
        )
    )


def _prepare_image(image: Image.Image) -> Examined:
    source_format = image.format
    mime, extension = IMAGE_FORMATS[source_format]
    icc = image.info.get("icc_profile")
    oriented = ImageOps.exif_transpose(image)  # a new image without the EXIF block
    has_alpha = oriented.mode in ("RGBA", "LA") or (
        oriented.mode == "P" and "transparency" in oriented.info
    )
    if source_format == "JPEG" or not has_alpha:
        if oriented.mode not in ("RGB", "L"):
            oriented = oriented.convert("RGB")
    elif oriented.mode not in ("RGBA", "LA"):
        oriented = oriented.convert("RGBA")
    # Pixels only: no comment, text chunk or XMP carried over from the upload (a JPEG comment
    # can hold a whole web page, and text chunks the author's name or position).
    oriented.info = {}
    out = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    if source_format == "JPEG":
        oriented.save(out, "JPEG", quality=90, optimize=True, progressive=True, **options)
    elif source_format == "PNG":
        oriented.save(out, "PNG", optimize=False, **options)
    else:
        oriented.save(out, "WEBP", quality=88, method=4, **options)
    width, height = oriented.size
    thumbnails = {}
    for target in THUMBNAIL_WIDTHS:
        if target >= width and thumbnails:
            break
        thumbnails[min(target, width)] = _thumbnail(oriented, min(target, width), icc)
    return Examined("image", mime, extension, out.getvalue(), width, height, thumbnails)


def _thumbnail(image: Image.Image, width: int, icc: bytes | None) -> bytes:
    height = max(1, round(image.height * width / image.width))
    small = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    out = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    small.save(out, "WEBP", quality=78, method=4, **options)
    return out.getvalue()


def _document_type(data: bytes, filename: str) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_document_type(data)
    if filename.lower().endswith(".csv"):
        return "csv" if _is_csv(data) else None
    return None


def _zip_document_type(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise Refused(
                _l(
                    "Documents with macros are not accepted: they can run programs. "
                    "Save it without macros (as .docx, .xlsx or .odt) and send it again."
                )
            )
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
            mime = archive.read("mimetype").decode("ascii", "replace").strip()
            return _ODF_EXTENSIONS.get(mime)
        if "[Content_Types].xml" in names:
            for part, extension in _OOXML_MAIN_PARTS.items():
                if part in names:
                    return extension
    except zipfile.BadZipFile:
        raise Refused(
            _l(
                "This document is damaged or incomplete (the upload may have been cut off). "
                "Send it again."
            )
        ) from None
    return None


def _is_csv(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # French Excel's default export
        except UnicodeDecodeError:
            return False
    head = text.lstrip()[:200].lower()
    return not head.startswith(("<", "{"))
