"""Picture renditions with Pillow: original, print, web, thumbnail and a watermarked preview.

The pixel count is checked from the file's header before any pixel is decoded, so a
small file that expands to billions of pixels (a decompression bomb) costs nothing.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

from PIL import Image, ImageDraw, ImageFile, ImageFont, ImageOps, IptcImagePlugin

from newswire.errors import Invalid
from newswire.media.renditions import FileMetadata, RenditionFile
from newswire.media.sniff import Sniffed

__all__ = [
    "PICTURE_RENDITIONS",
    "check_pixels",
    "picture_renditions",
    "read_metadata",
    "watermark",
    "watermark_overlay",
]

PICTURE_RENDITIONS = ("original", "print", "web", "thumbnail", "preview")
WEB_SIZE = 1600
PREVIEW_SIZE = 640
THUMBNAIL_SIZE = 320

# EXIF tags and IPTC datasets (record 2) that carry what the desk wants.
_EXIF_DESCRIPTION, _EXIF_ARTIST, _EXIF_COPYRIGHT = 270, 315, 33432
_IPTC_CAPTION, _IPTC_BYLINE, _IPTC_COPYRIGHT = (2, 120), (2, 80), (2, 116)
_EXIF_ORIENTATION = 0x0112


def _open(path: Path, max_pixels: int) -> ImageFile.ImageFile:
    """The image with only its header read; `Invalid` when unreadable or too many pixels."""
    try:
        with warnings.catch_warnings():
            # Our own limit below decides; Pillow's warning would only repeat it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
    except Image.DecompressionBombError as err:
        raise Invalid(f"file: too many pixels to decode safely ({err})") from err
    except Exception as err:  # Pillow's parsers raise many kinds of error on bad headers
        raise Invalid(f"file: not a readable picture ({err})") from err
    try:
        check_pixels(image.size, max_pixels)
    except Invalid:
        image.close()
        raise
    return image


def check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    """`Invalid` when a picture or frame of this size exceeds the pixel limit."""
    width, height = size
    if width <= 0 or height <= 0:
        raise Invalid("file: the picture has no pixels")
    if width * height > max_pixels:
        raise Invalid(
            f"file: {width}x{height} is {width * height:,} pixels, more than the limit of"
            f" {max_pixels:,}; a picture this large could be a decompression bomb"
        )


def _text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else b""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = str(value or "")
    with contextlib.suppress(UnicodeError):
        # EXIF text is read as Latin-1, but cameras and editors write UTF-8 into it.
        text = text.encode("latin-1").decode("utf-8")
    return text.replace("\x00", "").strip()


def read_metadata(image: ImageFile.ImageFile) -> FileMetadata:
    """Caption, byline and copyright from IPTC (preferred) or EXIF."""
    exif = image.getexif()
    try:
        iptc = IptcImagePlugin.getiptcinfo(image) or {}
    except (OSError, SyntaxError, ValueError):
        iptc = {}
    return FileMetadata(
        caption=_text(iptc.get(_IPTC_CAPTION)) or _text(exif.get(_EXIF_DESCRIPTION)),
        byline=_text(iptc.get(_IPTC_BYLINE)) or _text(exif.get(_EXIF_ARTIST)),
        copyright=_text(iptc.get(_IPTC_COPYRIGHT)) or _text(exif.get(_EXIF_COPYRIGHT)),
    )


def _rgb(image: Image.Image) -> Image.Image:
    """The picture upright and in RGB, transparency laid on white."""
    upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return upright.convert("RGB")


def _scaled(image: Image.Image, long_side: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((long_side, long_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return copy


def watermark(image: Image.Image, text: str) -> Image.Image:
    """The picture with the agency's name laid across it three times, half-transparent,
    and a band naming it as a preview: visible wherever the picture is cropped."""
    base = image.convert("RGBA")
    return Image.alpha_composite(base, watermark_overlay(base.size, text)).convert("RGB")


def watermark_overlay(size: tuple[int, int], text: str) -> Image.Image:
    """The watermark alone on a transparent canvas (video previews lay it over each frame)."""
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    width, height = size
    font = ImageFont.load_default(size=max(12, width // max(6, len(text) // 2 + 2)))
    box = draw.textbbox((0, 0), text, font=font, stroke_width=2)
    text_w, text_h = box[2] - box[0], box[3] - box[1]
    for row, alpha in ((1, 110), (3, 160), (5, 110)):
        x = (width - text_w) // 2 + (row - 3) * width // 10
        y = row * height // 6 - text_h // 2 - box[1]
        draw.text(
            (x, y),
            text,
            font=font,
            fill=(255, 255, 255, alpha),
            stroke_width=2,
            stroke_fill=(0, 0, 0, alpha),
        )
    band = max(12, height // 16)
    draw.rectangle((0, height - band, width, height), fill=(0, 0, 0, 120))
    small = ImageFont.load_default(size=max(8, band * 2 // 3))
    draw.text(
        (6, height - band + band // 8), f"© {text} · preview", font=small, fill=(255, 255, 255, 220)
    )
    return overlay


def picture_renditions(
    source: Path, work: Path, sniffed: Sniffed, agency: str, max_pixels: int
) -> tuple[list[RenditionFile], FileMetadata]:
    """Every picture rendition of `source`, written under `work`, and the file's metadata."""
    with _open(source, max_pixels) as image:
        original = RenditionFile("original", source, sniffed.content_type, *image.size)
        try:
            metadata = read_metadata(image)
            picture = _rgb(image)
            exif = image.getexif()
            exif.pop(_EXIF_ORIENTATION, None)  # the print rendition is upright already
            icc = image.info.get("icc_profile")
        except Exception as err:  # Pillow's decoders raise many kinds of error on bad data
            raise Invalid(f"file: the picture's data is damaged ({err})") from err
    out = [original]
    print_path = work / "print.jpg"
    try:
        picture.save(print_path, "JPEG", quality=92, exif=exif, icc_profile=icc)
    except Exception:  # metadata Pillow read but cannot write again: print without it
        picture.save(print_path, "JPEG", quality=92)
    out.append(RenditionFile("print", print_path, "image/jpeg", *picture.size))
    web = _scaled(picture, WEB_SIZE)
    out.append(_save(web, work / "web.jpg", "web", 85))
    smaller = _scaled(web, PREVIEW_SIZE)
    out.append(_save(_scaled(smaller, THUMBNAIL_SIZE), work / "thumbnail.jpg", "thumbnail", 80))
    out.append(_save(watermark(smaller, agency), work / "preview.jpg", "preview", 80))
    return out, metadata


def _save(image: Image.Image, path: Path, name: str, quality: int) -> RenditionFile:
    """A JPEG without metadata (no EXIF, IPTC, XMP or ICC is written unless asked)."""
    image.save(path, "JPEG", quality=quality)
    return RenditionFile(name, path, "image/jpeg", *image.size)
