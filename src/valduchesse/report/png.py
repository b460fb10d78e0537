"""What a PNG says about itself: its ``Description`` text chunk (the figure's caption) and its size, read with Pillow."""

from __future__ import annotations

import io
import struct

from PIL import Image, PngImagePlugin

__all__ = ["DESCRIPTION_KEYWORD", "MAX_TEXT_CHUNK", "PNG_SIGNATURE", "png_description", "png_size"]


DESCRIPTION_KEYWORD = "Description"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_CHUNK = PngImagePlugin.MAX_TEXT_CHUNK
"""Largest decompressed PNG text chunk Pillow reads, in bytes (1 MiB); a larger one makes the PNG unreadable here."""

# What Pillow raises on a file that is not a readable PNG: not one (UnidentifiedImageError, an OSError), cut off
# (OSError, EOFError, struct.error), a broken chunk (SyntaxError), a text chunk over the limit (ValueError), or
# dimensions past its decompression-bomb limit.
_UNREADABLE = (OSError, EOFError, SyntaxError, ValueError, struct.error, Image.DecompressionBombError)


# --- images: their description, their alt text ----------------------------------------------------------------


def png_description(data: bytes, keyword: str = DESCRIPTION_KEYWORD) -> str | None:
    """The text of a PNG's ``tEXt``, ``zTXt`` or ``iTXt`` chunk with the given keyword.

    The chunks are read with Pillow: those before the image data (where
    matplotlib writes them) without decoding the image, those after it by
    decoding it. Whitespace is collapsed to single spaces.

    Parameters
    ----------
    data : bytes
        The PNG file's bytes.
    keyword : str, optional
        The chunk's keyword (default ``Description``, which
        :func:`valduchesse.plotting.style.save_figure` writes: the figure's caption).

    Returns
    -------
    str or None
        The text, or None when ``data`` is not a PNG, has no such chunk, the
        chunk is empty, or the file cannot be read (cut off, a broken chunk, a
        text chunk over :data:`MAX_TEXT_CHUNK`).
    """
    if not data.startswith(PNG_SIGNATURE):
        return None
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            text = image.info.get(keyword)
            if not isinstance(text, str):
                text = image.text.get(keyword)  # chunks after the image data: Pillow decodes the image first
    except _UNREADABLE:
        return None
    text = " ".join(text.split()) if isinstance(text, str) else ""
    return text or None


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's (width, height) from its header, or None when ``data`` is not a readable PNG.

    Parameters
    ----------
    data : bytes
        The PNG file's bytes.

    Returns
    -------
    tuple of (int, int) or None
        Width and height in pixels, read by Pillow without decoding the image.
    """
    if not data.startswith(PNG_SIGNATURE):
        return None
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            return image.size
    except _UNREADABLE:
        return None
