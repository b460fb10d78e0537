"""What the report reads from a PNG (report/png.py, on Pillow): the caption save_figure writes, and the size."""

import struct
import zlib
from io import BytesIO

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from PIL import Image  # noqa: E402

from valduchesse.plotting.style import save_figure  # noqa: E402
from valduchesse.report.png import MAX_TEXT_CHUNK, png_description, png_size  # noqa: E402


def plain_png(size=(61, 29)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, (30, 90, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def before_end(data: bytes, *chunks: bytes) -> bytes:
    """``data`` with ``chunks`` inserted right before its IEND chunk (after the image data)."""
    end = data.rindex(b"IEND") - 4
    return data[:end] + b"".join(chunks) + data[end:]


def test_the_caption_save_figure_writes_is_read_back(tmp_path):
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1], [1, 0])
    caption = "Shares per meeting,\nwith 95 %  intervals — “Bruxelles–Paris”."
    png, _ = save_figure(fig, "figure", tmp_path, caption)
    data = png.read_bytes()
    assert png_description(data) == " ".join(caption.split())
    with Image.open(png) as image:
        assert png_size(data) == image.size


def test_size_comes_from_the_header_and_anything_else_gives_none():
    data = plain_png((61, 29))
    assert png_size(data) == (61, 29)
    assert png_size(b"GIF89a not a png") is None
    assert png_size(data[:20]) is None  # cut off inside the header


def test_a_description_after_the_image_data_is_found():
    data = before_end(plain_png(), chunk(b"tEXt", b"Description\0written  after\nthe pixels"))
    assert png_description(data) == "written after the pixels"
    assert png_description(data, keyword="Title") is None


def test_a_text_chunk_over_the_limit_gives_none_not_an_error():
    bomb = zlib.compress(b" " * (MAX_TEXT_CHUNK + 1) + b"caption", 9)  # a few kB, over the limit once inflated
    data = before_end(plain_png(), chunk(b"zTXt", b"Description\0\0" + bomb))
    assert png_description(data) is None
    assert png_description(before_end(plain_png(), chunk(b"zTXt", b"Description\0\0" + b"not zlib"))) is None
