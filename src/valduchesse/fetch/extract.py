"""The text of an HTML page: candidate texts (each ``main``, each ``article``, the ``body``), read in linear time."""

from __future__ import annotations

import collections
import re
import time
import unicodedata
from html.parser import HTMLParser

from bs4.dammit import UnicodeDammit

from .errors import Refused

__all__ = [
    "BLOCK_TAGS", "DEFAULT_PARSE_SECONDS", "DROP_TAGS", "MAX_CANDIDATES", "MAX_HTML_CHARS", "PARSE_CHUNK",
    "clean_lines", "extract_texts",
]


DEFAULT_PARSE_SECONDS = 20.0
"""Seconds allowed for reading one page's HTML (5 MB of dense markup takes about 5 s; a real page far less)."""
PARSE_CHUNK = 65536
"""Characters of HTML given to the parser at a time; the time allowed is checked after each."""
MAX_HTML_CHARS = 10_000_000
"""The most characters of HTML read (twice the fetch's default page limit of 5 MB); a longer page is refused."""
MAX_CANDIDATES = 10
"""Most ``main`` and ``article`` texts tried as the full text of one page (the body's is always tried)."""

DROP_TAGS = ("head", "script", "style", "noscript", "template", "nav", "aside", "footer", "form",
             "iframe", "object", "embed", "svg", "canvas", "button", "select", "input", "textarea",
             "dialog", "map", "audio", "video")
"""Elements whose content is never part of the text (code, page furniture, controls)."""
BLOCK_TAGS = ("address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
              "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "li",
              "main", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul")
"""Elements that start and end a line of the extracted text."""
_HTML_SPACE = re.compile(r"[ \t\r\n\f\v]+")



def extract_texts(html: bytes | str, encoding: str | None = None, *,
                  budget: float = DEFAULT_PARSE_SECONDS) -> list[str]:
    """The candidate texts of an HTML page: each ``main``, each ``article``, then the ``body``.

    The bytes are decoded as BeautifulSoup would (``encoding``, else the
    page's own declaration, else a guess), then read once, front to back, by
    the standard library's ``html.parser`` (nothing on the page is run), in
    time linear in the page's length. The elements nest as BeautifulSoup's
    ``html.parser`` tree would have them (an end tag closes the most recent
    open element of its name and the ones inside it; a ``body`` also closes
    an open ``head``). :data:`DROP_TAGS` are left out with all they hold
    (ruby annotations too), each of :data:`BLOCK_TAGS` and ``br`` ends a
    line, runs of HTML white space in a line become one space (non-breaking
    spaces are kept), empty lines go, and the text is put in Unicode NFC.

    Parameters
    ----------
    html : bytes or str
        The page; bytes are decoded, a string is read as it is.
    encoding : str, optional
        The charset the response's headers name, tried first.
    budget : float, optional
        The most seconds reading may take (default :data:`DEFAULT_PARSE_SECONDS`).

    Returns
    -------
    list of str
        The texts, duplicates given once: at most :data:`MAX_CANDIDATES` ``main`` and ``article`` texts, in
        that order, then the body's.

    Raises
    ------
    valduchesse.fetch.errors.Refused
        If the bytes cannot be decoded, the HTML is longer than :data:`MAX_HTML_CHARS` characters, or reading
        takes longer than ``budget`` seconds.
    """
    started = time.monotonic()
    if isinstance(html, bytes):
        markup = UnicodeDammit(html, known_definite_encodings=[encoding] if encoding else [],
                               is_html=True).unicode_markup
        if markup is None:
            raise Refused("the page's bytes could not be decoded as text")
    else:
        markup = html
    if len(markup) > MAX_HTML_CHARS:
        raise Refused(f"the page's HTML is {len(markup):,} characters, more than the {MAX_HTML_CHARS:,} read; "
                      "nothing of it is used")
    # After the last '>' no tag, comment or declaration can end: html.parser would take each '<' there for the
    # start of one, look for its end to the end of the page, and give it up as text, one at a time (quadratic:
    # 60 kB of unterminated tags took 37 s). The text it ends with is the same with each '<' written '&lt;'.
    end = markup.rfind(">") + 1
    markup = markup[:end] + markup[end:].replace("<", "&lt;")
    collector = _TextCollector(started + budget)
    try:
        for at in range(0, len(markup), PARSE_CHUNK):
            collector.feed(markup[at:at + PARSE_CHUNK])
            collector.check_time()
        return collector.texts()
    except _OverBudget:
        raise Refused(f"the page's HTML ({len(markup):,} characters) could not be read within {budget:g} s; "
                      "nothing of it is used") from None
    except AssertionError as err:  # html.parser's way of giving up on some malformed declarations
        raise Refused(f"the page's HTML could not be read ({err}); nothing of it is used") from None


_DROP_SET = frozenset(DROP_TAGS)
_BLOCK_SET = frozenset(BLOCK_TAGS)
_ROOT_TAGS = frozenset({"main", "article", "body"})
_RUBY_TAGS = frozenset({"rt", "rp"})
"""Ruby annotations: BeautifulSoup's ``get_text`` leaves their strings out (not the lines around blocks)."""
_VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "menuitem",
                        "meta", "param", "source", "track", "wbr", "basefont", "bgsound", "command", "frame",
                        "image", "isindex", "nextid", "spacer"})
"""Elements that hold nothing (BeautifulSoup's list for HTML): never left open."""
_DROPPING, _BLOCK, _RUBY = 1, 2, 4
_monotonic = time.monotonic


class _OverBudget(Exception):
    """Reading the page's HTML took longer than allowed."""


class _TextCollector(HTMLParser):
    """Collects a page's text in one pass: a list of pieces, and where each candidate root starts and ends in it.

    The open elements are a stack (with a count per name, so that a stray end
    tag costs nothing however deep the page nests); a candidate's text is
    the pieces between its start and its end, so nested candidates share them.
    The time is checked at every element and string, not only between the
    pieces of HTML fed: some malformed input (thousands of unterminated tags)
    makes ``html.parser`` itself slow when it is closed, one string at a time.
    """

    def __init__(self, deadline: float):
        super().__init__(convert_charrefs=True)
        self.deadline = deadline
        self.pieces: list[str] = []
        self.stack: list[tuple[str, int, int]] = []
        self.open: collections.Counter[str] = collections.Counter()
        self.dropping = 0
        self.ruby = 0
        self.roots: list[list] = []  # [name, first piece, end piece]

    def check_time(self):
        if _monotonic() > self.deadline:
            raise _OverBudget()

    def handle_starttag(self, tag, attrs):
        if _monotonic() > self.deadline:
            raise _OverBudget()
        if tag == "body" and self.open["head"]:
            self.handle_endtag("head")
        if tag in _VOID_TAGS:
            if tag == "br" and not self.dropping:
                self.pieces.append("\n")
            return
        flags, root = 0, -1
        if tag in _DROP_SET:
            flags = _DROPPING
            self.dropping += 1
        elif not self.dropping:
            if tag in _BLOCK_SET:
                flags |= _BLOCK
                self.pieces.append("\n")
            if tag in _RUBY_TAGS:
                flags |= _RUBY
                self.ruby += 1
            if tag in _ROOT_TAGS:
                root = len(self.roots)
                self.roots.append([tag, len(self.pieces), None])
        self.stack.append((tag, flags, root))
        self.open[tag] += 1

    def handle_endtag(self, tag):
        if _monotonic() > self.deadline:
            raise _OverBudget()
        if not self.open[tag]:
            return  # nothing of that name is open: ignored
        while self._pop() != tag:
            pass

    def _pop(self) -> str:
        tag, flags, root = self.stack.pop()
        self.open[tag] -= 1
        if flags & _DROPPING:
            self.dropping -= 1
        if flags & _RUBY:
            self.ruby -= 1
        if root >= 0:
            self.roots[root][2] = len(self.pieces)
        if flags & _BLOCK:
            self.pieces.append("\n")
        return tag

    def handle_data(self, data):
        if _monotonic() > self.deadline:
            raise _OverBudget()
        if not self.dropping and not self.ruby:
            self.pieces.append(data)

    def unknown_decl(self, data):
        if data.upper().startswith("CDATA[") and not self.dropping:
            self.pieces.append(data[6:])

    def texts(self) -> list[str]:
        self.close()
        while self.stack:
            self._pop()
        mains = [root for root in self.roots if root[0] == "main"]
        articles = [root for root in self.roots if root[0] == "article"]
        body = next((root for root in self.roots if root[0] == "body"), None)
        texts = []
        for root in [*(mains + articles)[:MAX_CANDIDATES], body]:
            self.check_time()
            text = clean_lines("".join(self.pieces[root[1]:root[2]] if root else self.pieces))
            if text and text not in texts:
                texts.append(text)
        return texts


def clean_lines(text: str) -> str:
    """The lines of an element's text as :func:`extract_texts` gives them.

    The text is put in Unicode NFC, split at line ends; in each line runs of
    white space (space, tab, carriage return, line feed, form feed, vertical tab) become
    one space and spaces at its ends go (non-breaking spaces are kept); lines
    left empty or of white space only go.

    Parameters
    ----------
    text : str
        The text of an element, its blocks already on lines of their own.

    Returns
    -------
    str
        The lines, joined by ``\\n``.
    """
    lines = (_HTML_SPACE.sub(" ", line).strip(" ") for line in unicodedata.normalize("NFC", text).split("\n"))
    return "\n".join(line for line in lines if line and not line.isspace())
