"""What a PNG says about itself: its ``Description`` text chunk (the figure's caption) and its size."""

from __future__ import annotations

import struct
import zlib

__all__ = ["DESCRIPTION_KEYWORD", "MAX_TEXT_CHUNK", "PNG_SIGNATURE", "png_description", "png_size"]


DESCRIPTION_KEYWORD = "Description"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_TEXT_CHUNK = 1 << 20  # largest decompressed PNG text chunk read, in bytes


# --- images: their description, their alt text ----------------------------------------------------------------


def png_description(data: bytes, keyword: str = DESCRIPTION_KEYWORD) -> str | None:
    """The text of a PNG's ``tEXt``, ``zTXt`` or ``iTXt`` chunk with the given keyword.

    The chunks are read with :mod:`struct` and :mod:`zlib`, without decoding
    the image. Whitespace is collapsed to single spaces.

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
        chunk is empty or cannot be read.
    """
    if not data.startswith(PNG_SIGNATURE):
        return None
    wanted = keyword.encode("latin-1")
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        if len(body) < length or kind == b"IEND":
            return None
        position += 12 + length  # length, type, data, CRC
        key, _, rest = body.partition(b"\0")
        if key != wanted or kind not in (b"tEXt", b"zTXt", b"iTXt"):
            continue
        try:
            text = _text_chunk(kind, rest)
        except (ValueError, IndexError, zlib.error):  # UnicodeDecodeError is a ValueError
            continue
        text = " ".join(text.split())
        if text:
            return text
    return None


def _text_chunk(kind: bytes, rest: bytes) -> str:
    """The text of a PNG text chunk, given what follows its keyword and null separator."""
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if kind == b"zTXt":  # compression method (0: zlib), then the compressed Latin-1 text
        return _inflate(rest[1:]).decode("latin-1")
    compressed, text = rest[0], rest[2:]  # iTXt: flag, method, language\0, translated keyword\0, UTF-8 text
    text = text.split(b"\0", 2)[2]
    return (_inflate(text) if compressed else text).decode("utf-8")


def _inflate(data: bytes) -> bytes:
    """Decompress zlib data, refusing more than :data:`MAX_TEXT_CHUNK` bytes."""
    inflater = zlib.decompressobj()
    text = inflater.decompress(data, MAX_TEXT_CHUNK)
    if inflater.unconsumed_tail:
        raise ValueError("text chunk too large")
    return text


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's (width, height) from its header, or None when ``data`` is not a PNG."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])
