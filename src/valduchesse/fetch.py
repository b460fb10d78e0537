"""Replace the excerpts in texts/ by the full official texts, with integrity checks.

:func:`fetch_corpus` goes through the texts folder document by document (one
meeting, language and kind; the parts of one document together). A document
held only as excerpts is downloaded from its ``source_url``, the declaration's
text is taken out of the HTML (:func:`extract_texts`: one pass of the standard
library's ``html.parser``, the bytes decoded by BeautifulSoup's
``UnicodeDammit``), and the stored text is replaced by the full one only when
every check passes:

* **Where the full text starts.** The page's text (``main``, else an
  ``article``, else ``body``; scripts, styles, navigation, asides, forms and
  footers dropped; every block element a line) is searched for the stored
  opening excerpt. The full text is the page's text from where the excerpt
  starts to the end of that content: page furniture before it is dropped.
* **Integrity.** After whitespace and quote normalisation (:func:`normalise`)
  the stored opening excerpt must be a prefix of the full text. Every later
  part (a ``later excerpt`` from another official copy, such as part 2 of the
  2018 French declaration) must be found in it paragraph by paragraph, in
  order, and must end after the part before it ends. Copies of one document
  may skip passages, so a later part is not required to be contiguous; an
  opening always is. When the check fails nothing is written and the reason
  says at which character of the stored text, and with which words on either
  side, the two diverge.
* **Never worse.** A text is never replaced by a shorter one, or by one that
  fails the check; a file is written to a temporary file in the same folder,
  read back through the corpus loader, and only then renamed over the old
  one (``os.replace``, atomic). The parts of a multi-part document become one
  file, written over part 1's file; the other parts' files are removed only
  after it is in place, so the folder loads at every moment. Files that
  changed on disk while the page was being fetched are left alone.
* **Safety.** Only ``https`` addresses whose host is on the allow-list
  (:data:`ALLOW_LIST_PATH`, exact host names) are requested, and redirects are
  followed by hand, each target checked against the list before it is
  requested; a redirect's body is never read, and a ``Location`` that is not
  a valid address is refused. Each attempt must be over (connection,
  headers, body) within the timeout: a timer cuts the connection when it
  passes, however slowly the server sends. The body is capped
  (:data:`DEFAULT_MAX_BYTES`) both as sent and decompressed (``gzip`` and
  ``deflate`` only, at most :data:`MAX_ENCODINGS` one inside the other, each
  capped as it is undone), the content type must be HTML, and connection
  errors, timeouts and 429/5xx answers are retried with exponential backoff.
  No code from the page runs: the HTML is only parsed, in time linear in its
  length and within :data:`DEFAULT_PARSE_SECONDS`. Tests may let
  ``http://127.0.0.1`` through with ``load_allow_list(allow_loopback_http=True)``;
  nothing does so by default.

The written file keeps the header of part 1 and adds ``coverage: full text``,
``retrieved`` (the date), ``sha256`` (of the new body, as ``load_corpus``
computes it), ``other_source_urls`` (every other part's address),
``retrieved_url`` (only if redirects led elsewhere), ``replaced_excerpts``
(each replaced file's id and body SHA-256) and ``excerpt_notes`` (the old
notes, which described the excerpts); ``notes`` says how the text was fetched.
``source_url`` is the address whose page gave the text.

The result is a report table, one row per document: ``fetched``, ``would
fetch`` (``dry_run``), ``skipped`` (already a full text, or nothing to check
against), ``refused`` (a safety or integrity check said no, or an error
nobody foresaw) or ``failed`` (the page could not be had); one document's
problem never stops the others, and :func:`exit_status` is 1 if anything was
refused or failed. Reasons and addresses in the report are passed through
:func:`printable` (no terminal escape sequences or control characters).
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import http.client
import os
import re
import socket
import stat
import tempfile
import threading
import time
import unicodedata
import warnings
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pandas as pd
import requests
import requests.adapters
import requests.cookies
import urllib3
import yaml
from bs4.dammit import UnicodeDammit

from .corpus import CorpusError, load_corpus, read_text_file, validate_header

ALLOW_LIST_PATH = Path(__file__).with_name("official_domains.yml")
"""The data file listing the official hosts that may be fetched from (https only)."""

DEFAULT_TIMEOUT = 20.0
"""Seconds allowed for one attempt: connection, headers and body (and for each read within it)."""
DEFAULT_MAX_BYTES = 5_000_000
"""Largest page body accepted, both as sent and decompressed."""
DEFAULT_RETRIES = 2
"""Further attempts after a connection error, timeout or 429/5xx answer."""
DEFAULT_BACKOFF = 1.0
"""Seconds before the first retry; doubled before each further one."""
MAX_REDIRECTS = 5
MAX_ENCODINGS = 2
"""Most content encodings (gzip, deflate) one inside the other that are undone."""
READ_SIZE = 16384
"""Bytes asked for at each read of a body; a read returns whatever has arrived, up to that."""
DEFAULT_PARSE_SECONDS = 20.0
"""Seconds allowed for reading one page's HTML (5 MB of dense markup takes about 5 s; a real page far less)."""
PARSE_CHUNK = 65536
"""Characters of HTML given to the parser at a time; the time allowed is checked after each."""
MAX_CANDIDATES = 10
"""Most ``main`` and ``article`` texts tried as the full text of one page (the body's is always tried)."""
HTML_TYPES = ("text/html", "application/xhtml+xml")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
LOOPBACK_HOSTS = frozenset({"127.0.0.1"})
USER_AGENT = "valduchesse-fetch/0.1 (text-as-data research corpus)"

OUTCOMES = ("fetched", "would fetch", "skipped", "refused", "failed")
REPORT_COLUMNS = ["doc_ids", "meeting_date", "language", "url", "outcome", "reason", "old_chars",
                  "new_chars", "file"]

DROP_TAGS = ("head", "script", "style", "noscript", "template", "nav", "aside", "footer", "form",
             "iframe", "object", "embed", "svg", "canvas", "button", "select", "input", "textarea",
             "dialog", "map", "audio", "video")
"""Elements whose content is never part of the text (code, page furniture, controls)."""
BLOCK_TAGS = ("address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
              "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "li",
              "main", "ol", "p", "pre", "section", "summary", "table", "td", "th", "tr", "ul")
"""Elements that start and end a line of the extracted text."""

_QUOTES = {"\u2019": "'", "\u2018": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
           "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
           "\u2039": '"', "\u203a": '"'}
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_HOST_NAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_LIST_MARKER = re.compile(r"^\s*[-\u2010-\u2015\u2022*]\s+")
_HTML_SPACE = re.compile(r"[ \t\r\n\f\v]+")


class AllowListError(ValueError):
    """The allow-list data file cannot be used; the message says how to fix it."""


class FetchProblem(Exception):
    """Why one page or text was not used; ``outcome`` is ``refused`` or ``failed``."""

    outcome = "failed"


class Refused(FetchProblem):
    """A safety or integrity check said no."""

    outcome = "refused"


class Failed(FetchProblem):
    """The page could not be had (network, timeout, HTTP error)."""

    outcome = "failed"


class _Transient(Exception):
    """An attempt that may succeed if repeated."""


# --- allow-list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllowList:
    """Hosts that may be fetched from, over https only (plus ``http://127.0.0.1`` when tests ask)."""

    hosts: frozenset[str]
    source: str = "official_domains.yml"
    loopback_http: bool = False

    def problem(self, url: str) -> str | None:
        """Why ``url`` may not be requested, or None if it may."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as err:
            return f"{url!r} is not a valid address ({err})"
        host = (parts.hostname or "").lower()
        if parts.username is not None or parts.password is not None:
            return f"{url} holds a user name or password; such addresses are never fetched"
        if self.loopback_http and parts.scheme in ("http", "https") and host in LOOPBACK_HOSTS:
            return None
        if parts.scheme != "https":
            return f"{url} is not an https address; only https is fetched"
        if port not in (None, 443):
            return f"{url} names port {port}; only the standard https port is fetched"
        if host not in self.hosts:
            return f"{host or url} is not on the allow-list of official domains ({self.source})"
        return None


def load_allow_list(path: str | Path | None = None, *, extra_hosts=(), allow_loopback_http: bool = False) -> AllowList:
    """Read the allow-list data file (default :data:`ALLOW_LIST_PATH`).

    The file is YAML with a list ``hosts`` of bare host names, matched
    exactly. ``extra_hosts`` adds host names (checked the same way);
    ``allow_loopback_http`` also lets ``http://127.0.0.1:PORT`` through, for
    tests that serve pages themselves. Raises :class:`AllowListError` for an
    entry with a scheme, path, port, wildcard or upper-case letters.
    """
    path = Path(path) if path is not None else ALLOW_LIST_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise AllowListError(f"{path}: cannot read the allow-list ({err}). Fix: restore the file") from None
    entries = data.get("hosts") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise AllowListError(f"{path}: no list 'hosts'. Fix: write 'hosts:' and one '  - host.name' per line")
    hosts = set()
    for entry in [*entries, *extra_hosts]:
        host = str(entry)
        if "://" in host:
            raise AllowListError(
                f"{path}: entry {host!r} has a scheme. Fix: write the host name only "
                f"({urlsplit(host).hostname!r}); only https is ever fetched")
        if not _HOST_NAME.match(host):
            raise AllowListError(
                f"{path}: entry {host!r} is not a lower-case host name. Fix: write e.g. "
                "'premier.fgov.be' (no path, port or wildcard)")
        hosts.add(host)
    return AllowList(frozenset(hosts), source=path.name, loopback_http=allow_loopback_http)


# --- download -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One downloaded page: the address asked for, where it ended up, its bytes and charset."""

    url: str
    final_url: str
    content: bytes
    encoding: str | None


def _content_type(value: str) -> tuple[str, str | None]:
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return media.strip().lower(), charset


class _Deadline:
    """The wall-clock limit of one attempt: when it passes, the attempt's connection is shut down.

    A timer thread shuts the socket down (on a duplicate of its descriptor),
    so that whatever is blocked on it (connecting, the TLS handshake, the
    headers, the body, one byte at a time or not) returns at once; the
    reading code then sees :attr:`expired` and reports a timeout.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.at

    def watch(self, sock) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it has)."""
        if sock is None:
            return
        with self._lock:
            if self._sockets:  # one attempt, one connection: already watched
                return
            try:
                dup = socket.fromfd(sock.fileno(), sock.family, sock.type)
            except (OSError, ValueError):
                return
            self._sockets.append(dup)
            if self.expired:
                _shut(dup)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


_current = threading.local()
"""``_current.deadline``: the :class:`_Deadline` of the attempt running in this thread, if any."""


class _WatchedConnection:
    """Mixin for urllib3's connection classes: each socket goes to the current attempt's deadline."""

    def _new_conn(self):
        sock = super()._new_conn()
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.watch(sock)
        return sock

    def getresponse(self):
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.watch(self.sock)  # a connection made before the attempt, if any
        return super().getresponse()


_WATCHED_CLASSES: dict[type, type] = {}


class _WatchedAdapter(requests.adapters.HTTPAdapter):
    """An HTTP adapter whose connections are watched by :class:`_Deadline` (proxies included)."""

    def get_connection_with_tls_context(self, *args, **kwargs):
        pool = super().get_connection_with_tls_context(*args, **kwargs)
        cls = pool.ConnectionCls
        if not issubclass(cls, _WatchedConnection):
            if cls not in _WATCHED_CLASSES:
                _WATCHED_CLASSES[cls] = type(f"Watched{cls.__name__}", (_WatchedConnection, cls), {})
            pool.ConnectionCls = _WATCHED_CLASSES[cls]
        return pool


class _BodyDecoder:
    """Undoes the ``Content-Encoding`` of a body as it arrives, never producing more than ``limit`` bytes.

    Each layer (``gzip``, ``deflate``; up to :data:`MAX_ENCODINGS`) is given
    the output of the one before with a cap on what it may produce, so a small
    body that decompresses to gigabytes, or a gzip inside a gzip, costs no
    more than ``limit`` bytes per layer before it is refused.
    """

    def __init__(self, encodings: list[str], limit: int):
        self.limit = limit
        self.layers = [_Inflater(encoding) for encoding in reversed(encodings)]
        self.sizes = [0] * len(self.layers)

    def feed(self, data: bytes) -> bytes:
        for number, layer in enumerate(self.layers):
            data = layer.decompress(data, self.limit - self.sizes[number] + 1)
            self.sizes[number] += len(data)
            if self.sizes[number] > self.limit:
                raise _TooBig()
        return data

    def complete(self) -> bool:
        return all(layer.eof for layer in self.layers)


class _TooBig(Exception):
    """A decoded body went past the cap."""


class _Inflater:
    """One ``gzip`` (several members allowed) or ``deflate`` (zlib or raw) layer, fed in pieces of any size."""

    _GZIP_MAGIC = b"\x1f\x8b"

    def __init__(self, encoding: str):
        self.gzip = encoding in ("gzip", "x-gzip")
        self.obj = zlib.decompressobj(zlib.MAX_WBITS | 32 if self.gzip else zlib.MAX_WBITS)
        self.head = b""  # deflate: the input so far, until output shows the zlib wrapping was right
        self.raw_tried = self.gzip
        self.ended = False  # the stream is over; anything after it is ignored

    @property
    def eof(self) -> bool:
        return self.ended or self.obj.eof

    def decompress(self, data: bytes, max_length: int) -> bytes:
        out = b""
        while data and not self.ended and len(out) < max_length:
            if self.obj.eof:  # after a gzip member, another may follow (its magic maybe cut between reads)
                if not self.gzip or not self._GZIP_MAGIC.startswith(data[:2]):
                    self.ended = True
                    break
                self.obj = zlib.decompressobj(zlib.MAX_WBITS | 32)
            if not self.raw_tried:
                self.head += data
            try:
                piece = self.obj.decompress(data, max_length - len(out))
            except zlib.error:
                if self.raw_tried:
                    raise
                self.raw_tried = True  # "deflate" sent as raw deflate, as some servers do
                self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
                data, self.head = self.head, b""
                continue
            if piece and not self.raw_tried:
                self.raw_tried, self.head = True, b""
            out += piece
            data = self.obj.unused_data if self.obj.eof else self.obj.unconsumed_tail
        return out


def _encodings(value: str) -> list[str]:
    return [e for e in (part.strip().lower() for part in value.split(",")) if e and e != "identity"]


def _send(session: requests.Session, url: str, timeout: float) -> requests.Response:
    """Send one GET through the session's adapter: no redirect followed, nothing of the body read.

    ``Session.send`` reads the whole body of a redirect (to prepare the next
    request) even with ``allow_redirects=False``; the adapter does not.
    """
    prepared = session.prepare_request(requests.Request("GET", url))
    settings = session.merge_environment_settings(prepared.url, {}, True, None, None)
    adapter = session.get_adapter(prepared.url)
    if not isinstance(adapter, _WatchedAdapter):
        raise TypeError("download() needs a session made by fetch._new_session()")
    response = adapter.send(prepared, stream=True, timeout=(timeout, timeout), verify=settings["verify"],
                            cert=settings["cert"], proxies=settings["proxies"])
    requests.cookies.extract_cookies_to_jar(session.cookies, prepared, response.raw)
    return response


def _attempt(session: requests.Session, url: str, timeout: float, max_bytes: int):
    """One request: ``("redirect", location)``, ``("status", code, reason)`` or ``("page", bytes, charset)``.

    Everything (connection, headers, body) must be over within ``timeout``
    seconds: see :class:`_Deadline`. The body of a redirect or an error is
    never read.
    """
    deadline = _Deadline(timeout)
    _current.deadline = deadline
    response = None
    try:
        try:
            response = _send(session, url, timeout)
            code = response.status_code
            if code in REDIRECT_STATUS:
                return ("redirect", response.headers.get("Location"))
            if code in RETRY_STATUS:
                raise _Transient(f"HTTP {code} {response.reason}")
            if code != 200:
                return ("status", code, response.reason)
            media, charset = _content_type(response.headers.get("Content-Type", ""))
            if media not in HTML_TYPES:
                raise Refused(f"{url} answered with content type {media or 'none'!r}, not HTML; nothing of it is used")
            declared = response.headers.get("Content-Length", "").strip()
            if declared.isdigit() and int(declared) > max_bytes:
                raise Refused(f"{url} announces {int(declared):,} bytes, over the cap of {max_bytes:,}")
            content = _read_body(response, url, deadline, max_bytes)
        except (requests.RequestException, urllib3.exceptions.HTTPError, http.client.HTTPException, OSError):
            if deadline.expired:
                raise _Transient(f"no complete answer within the timeout of {timeout:g} s; "
                                 "the connection was cut") from None
            raise
        if deadline.expired:  # the cut may look like the end of a body sent without a length
            raise _Transient(f"no complete answer within the timeout of {timeout:g} s; the connection was cut")
        return ("page", content, charset)
    finally:
        _current.deadline = None
        if response is not None:
            response.close()  # never drains what is left: the connection is closed, not reused
        deadline.close()


def _read_body(response: requests.Response, url: str, deadline: _Deadline, max_bytes: int) -> bytes:
    """The body, decoded, read in small pieces, each as soon as it arrives (not waiting for a full chunk)."""
    encodings = _encodings(response.headers.get("Content-Encoding", ""))
    unknown = [e for e in encodings if e not in ("gzip", "x-gzip", "deflate")]
    if unknown:
        raise Refused(f"{url} answered with content encoding {unknown[0]!r}; only gzip and deflate are read")
    if len(encodings) > MAX_ENCODINGS:
        raise Refused(f"{url} answered with {len(encodings)} content encodings, one inside the other; "
                      f"at most {MAX_ENCODINGS} are undone")
    decoder = _BodyDecoder(encodings, max_bytes) if encodings else None
    raw = response.raw
    chunks, size, raw_size = [], 0, 0
    while True:
        if deadline.passed():
            raise _Transient(f"no complete answer within the timeout of {deadline.seconds:g} s; reading stopped")
        data = raw.read1(READ_SIZE, decode_content=False) or b""
        if not data:
            break
        raw_size += len(data)
        if raw_size > max_bytes:
            raise Refused(f"{url} sent more than the cap of {max_bytes:,} bytes; reading stopped")
        if decoder is not None:
            try:
                data = decoder.feed(data)
            except _TooBig:
                raise Refused(f"{url} sent a body that decompresses to more than the cap of {max_bytes:,} bytes "
                              f"({', '.join(encodings)}); reading stopped") from None
            except zlib.error as err:
                raise Failed(f"{url} sent a body that is not valid {', '.join(encodings)} ({err})") from None
        size += len(data)
        if size > max_bytes:
            raise Refused(f"{url} sent more than the cap of {max_bytes:,} bytes; reading stopped")
        chunks.append(data)
    if decoder is not None and not decoder.complete() and not deadline.expired:
        raise Failed(f"{url} sent a {', '.join(encodings)} body that stops before its end (truncated)")
    return b"".join(chunks)


def download(url: str, allowed: AllowList, *, timeout: float = DEFAULT_TIMEOUT,
             max_bytes: int = DEFAULT_MAX_BYTES, retries: int = DEFAULT_RETRIES,
             backoff: float = DEFAULT_BACKOFF, session: requests.Session | None = None) -> Page:
    """Download one HTML page from an allowed address; raise :class:`Refused` or :class:`Failed`.

    Redirects are followed by hand (at most :data:`MAX_REDIRECTS`), each target
    checked against ``allowed`` before it is requested; their bodies are never
    read. Each attempt must be over (connection, headers and body) within
    ``timeout`` seconds, and the body may not exceed ``max_bytes``, neither as
    sent nor decompressed. Connection errors, timeouts and 429/5xx answers are
    tried again ``retries`` times, after ``backoff``, ``2 * backoff``, …
    seconds; other HTTP errors are not. ``session``, if given, must come from
    ``_new_session()``.
    """
    problem = allowed.problem(url)
    if problem:
        raise Refused(f"not requested: {problem}")
    own_session = session is None
    session = session or _new_session()
    try:
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            for attempt in range(retries + 1):
                try:
                    result = _attempt(session, current, timeout, max_bytes)
                    break
                except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema) as err:
                    raise Refused(f"{current} is not a valid address ({_describe(err, timeout)})") from None
                except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                        urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, _Transient) as err:
                    if attempt == retries:
                        raise Failed(f"{current}: {_describe(err, timeout)} (gave up after {retries + 1} "
                                     f"attempt{'s' if retries else ''})") from None
                    time.sleep(backoff * 2 ** attempt)
                except requests.RequestException as err:
                    raise Failed(f"{current}: {_describe(err, timeout)}") from None
            if result[0] == "page":
                return Page(url, current, result[1], result[2])
            if result[0] == "status":
                raise Failed(f"{current} answered HTTP {result[1]} {result[2]}; not retried")
            if not result[1]:
                raise Failed(f"{current} answered with a redirect but no address to go to")
            try:
                target = urljoin(current, result[1].strip())
            except ValueError as err:
                raise Refused(f"redirect from {current} to {result[1]!r} not followed: "
                              f"not a valid address ({err})") from None
            problem = allowed.problem(target)
            if problem:
                raise Refused(f"redirect from {current} to {target} not followed: {problem}")
            current = target
        raise Refused(f"{url}: more than {MAX_REDIRECTS} redirects; not followed further")
    finally:
        if own_session:
            session.close()


def _describe(err: Exception, timeout: float) -> str:
    if isinstance(err, _Transient):
        return str(err)
    if isinstance(err, (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)) \
            or "timed out" in str(err).lower():
        return f"no answer within the timeout of {timeout:g} s"
    if isinstance(err, requests.ConnectionError):
        cause = re.search(r"Caused by (\w+)", str(err))
        return f"connection failed ({cause.group(1) if cause else type(err).__name__})"
    if isinstance(err, (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError)):
        return f"the connection broke while the page was read ({type(err).__name__})"
    return str(err) or type(err).__name__


def _new_session() -> requests.Session:
    session = requests.Session()
    session.headers.update({"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml",
                            "Accept-Encoding": "gzip, deflate"})
    for prefix in ("http://", "https://"):
        session.mount(prefix, _WatchedAdapter())
    return session


# --- extraction ---------------------------------------------------------------------------------


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
    Duplicates are given once; at most :data:`MAX_CANDIDATES` ``main`` and
    ``article`` texts are given, in that order, before the body's. Raises
    :class:`Refused` if reading takes longer than ``budget`` seconds.
    """
    started = time.monotonic()
    if isinstance(html, bytes):
        markup = UnicodeDammit(html, known_definite_encodings=[encoding] if encoding else [],
                               is_html=True).unicode_markup
        if markup is None:
            raise Refused("the page's bytes could not be decoded as text")
    else:
        markup = html
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
            text = _clean_lines("".join(self.pieces[root[1]:root[2]] if root else self.pieces))
            if text and text not in texts:
                texts.append(text)
        return texts


def _clean_lines(text: str) -> str:
    lines = (_HTML_SPACE.sub(" ", line).strip(" ") for line in unicodedata.normalize("NFC", text).split("\n"))
    return "\n".join(line for line in lines if line and not line.isspace())


# --- integrity checks ---------------------------------------------------------------------------


def normalise(text: str) -> str:
    """``text`` as the integrity check compares it: see :func:`normalise_with_index`."""
    return normalise_with_index(text)[0]


def normalise_with_index(text: str) -> tuple[str, list[int]]:
    """Normalise ``text`` and give, for each character of the result, its index in ``text``.

    Every run of white space (line breaks and non-breaking spaces included)
    becomes one space and white space at either end goes; soft hyphens and
    zero-width characters go; ’ ‘ ‚ ‛ ′ become ``'`` and “ ” „ ‟ « » ‹ › become
    ``"``. Nothing else changes (dashes, case and accents count).
    """
    chars: list[str] = []
    index: list[int] = []
    space_at = None
    for i, char in enumerate(text):
        if char in _INVISIBLE:
            continue
        if char.isspace():
            if space_at is None and chars:
                space_at = i
            continue
        if space_at is not None:
            chars.append(" ")
            index.append(space_at)
            space_at = None
        chars.append(_QUOTES.get(char, char))
        index.append(i)
    return "".join(chars), index


class Mismatch(Refused):
    """The stored text is not in the fetched one as it must be; ``progress`` is how far it matched."""

    def __init__(self, message: str, progress: int = 0):
        super().__init__(message)
        self.progress = progress


def _snippet(text: str, at: int, before: int = 25, after: int = 35) -> str:
    start = max(0, at - before)
    piece = text[start:at] + "⟨here⟩" + text[at:at + after]
    return ("…" if start else "") + piece + ("…" if at + after < len(text) else "")


def locate_opening(excerpt: str, page_text: str) -> int:
    """Where the full text starts in ``page_text``: the index at which ``excerpt`` starts.

    After :func:`normalise` on both sides, the excerpt must occur whole in the
    page's text; the full text is the page's text from there on, so the
    normalised excerpt is a prefix of it. Otherwise raises :class:`Mismatch`
    saying at which character of the excerpt (and line) the page diverges,
    with the words on each side, or that the page's text ends first.
    """
    norm_e, index_e = normalise_with_index(excerpt)
    norm_p, index_p = normalise_with_index(page_text)
    if not norm_e:
        raise Mismatch("the stored excerpt is empty")
    found = norm_p.find(norm_e)
    if found >= 0:
        return index_p[found]
    anchor = norm_e[: min(len(norm_e), 30)]
    starts, pos = [], norm_p.find(anchor)
    while pos >= 0 and len(starts) < 100:
        starts.append(pos)
        pos = norm_p.find(anchor, pos + 1)
    if not starts:
        raise Mismatch(f"the excerpt's opening \"{anchor}…\" is nowhere in the page's text, which starts "
                       f"\"{norm_p[:60]}…\"")
    best = max(starts, key=lambda s: len(os.path.commonprefix([norm_e, norm_p[s:]])))
    same = len(os.path.commonprefix([norm_e, norm_p[best:]]))
    at = index_e[same]
    line = excerpt.count("\n", 0, at) + 1
    if best + same >= len(norm_p):
        raise Mismatch(f"the page's text ends at character {at:,} (line {line}) of the stored excerpt, before "
                       f"the excerpt does: the page holds less than the stored text", same)
    raise Mismatch(f"the stored excerpt and the page diverge at character {at:,} (line {line}) of the excerpt: "
                   f"stored \"{_snippet(norm_e, same)}\" / page \"{_snippet(norm_p, best + same)}\"", same)


def locate_later_part(excerpt: str, full_text: str, not_before_end: int = 0, label: str = "the part",
                      preceding: str = "") -> int:
    """Check that a later part's paragraphs are in ``full_text``, in order; return where it ends.

    Each non-empty line of ``excerpt`` (a list marker such as ``- `` at its
    start dropped) must be found in the normalised ``full_text`` after the
    previous one; the returned end (in normalised characters) must lie after
    ``not_before_end``, the end of the part before, so that parts come in
    reading order. Raises :class:`Mismatch` naming the paragraph not found;
    ``preceding`` (the page's text before the full text starts) only serves
    to say when a paragraph is on the page, but before part 1.
    """
    norm_full = normalise(full_text)
    paragraphs = [normalise(_LIST_MARKER.sub("", line)) for line in excerpt.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise Mismatch(f"{label} is empty")
    pos = 0
    for number, paragraph in enumerate(paragraphs, 1):
        found = norm_full.find(paragraph, pos)
        if found < 0:
            if norm_full.find(paragraph) >= 0:
                where = "in the fetched text only before the paragraphs that precede it: not in reading order"
            elif paragraph in normalise(preceding):
                where = "on the page only before where part 1 starts: the parts are not in reading order"
            else:
                where = "not in the fetched text"
            raise Mismatch(f"paragraph {number} of {label} (\"{paragraph[:50]}…\") is {where}",
                           progress=len(normalise(preceding)) + pos)
        pos = found + len(paragraph)
    if pos <= not_before_end:
        raise Mismatch(f"{label} ends before the part preceding it does: the parts are not in reading order")
    return pos


def full_text_for(parts: list[str], candidates: list[str]) -> str:
    """The full text that holds every part, from the first candidate page text that does.

    ``parts`` are the stored bodies in part order, the first an opening
    excerpt; see :func:`locate_opening` and :func:`locate_later_part`.
    Raises the :class:`Mismatch` of the candidate that matched furthest.
    """
    best: Mismatch | None = None
    for candidate in candidates:
        try:
            start = locate_opening(parts[0], candidate)
            full = candidate[start:]
            end = len(normalise(parts[0]))
            for number, part in enumerate(parts[1:], 2):
                end = locate_later_part(part, full, end, f"part {number}", candidate[:start])
            return full
        except Mismatch as err:
            if best is None or err.progress > best.progress:
                best = err
    raise best if best is not None else Mismatch("the page has no text")


# --- the corpus ---------------------------------------------------------------------------------


def fetch_corpus(texts_dir: str | Path, *, dry_run: bool = False, allowed: AllowList | None = None,
                 timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
                 retries: int = DEFAULT_RETRIES, backoff: float = DEFAULT_BACKOFF,
                 today: dt.date | None = None) -> pd.DataFrame:
    """Replace each document held only as excerpts in ``texts_dir`` by its full official text.

    Returns the report, one row per document (columns :data:`REPORT_COLUMNS`;
    ``outcome`` one of :data:`OUTCOMES`, ``reason`` why). ``dry_run`` fetches
    and checks but writes nothing. ``allowed`` defaults to
    :func:`load_allow_list` (the packaged list, https only). A problem with one
    document never stops the others: an error nobody foresaw makes that
    document ``refused``, with the error in the reason. Raises
    :class:`CorpusError` if the folder does not load, and
    :class:`AllowListError` if the allow-list is broken.
    """
    texts_dir = Path(texts_dir)
    documents = load_corpus(texts_dir)
    allowed = allowed if allowed is not None else load_allow_list()
    today = today or dt.date.today()
    options = dict(timeout=timeout, max_bytes=max_bytes, retries=retries, backoff=backoff)
    rows = []
    with _new_session() as session:
        for _, group in documents.groupby(["meeting_date", "language", "kind"], sort=True):
            group = group.sort_values(["part", "doc_id"])
            row = {"doc_ids": ", ".join(group["doc_id"]), "meeting_date": f"{group['meeting_date'].iloc[0]:%Y-%m-%d}",
                   "language": group["language"].iloc[0], "url": "", "old_chars": int(group["chars"].sum()),
                   "new_chars": None, "file": ""}
            try:
                row.update(_fetch_document(texts_dir, group, allowed, session, options, dry_run, today))
            except FetchProblem as err:
                row.update(outcome=err.outcome, reason=str(err))
            except (OSError, CorpusError, yaml.YAMLError) as err:
                row.update(outcome="failed", reason=f"{type(err).__name__}: {err}")
            except Exception as err:  # noqa: BLE001 (one document's surprise must not stop the others)
                row.update(outcome="refused", reason=f"unexpected error, nothing written for this document "
                                                     f"({type(err).__name__}: {err})")
            row.update(reason=printable(row["reason"]), url=printable(row["url"]))
            rows.append(row)
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    report["new_chars"] = report["new_chars"].astype("Int64")
    return report


def _fetch_document(texts_dir: Path, group: pd.DataFrame, allowed: AllowList, session: requests.Session,
                    options: dict, dry_run: bool, today: dt.date) -> dict:
    coverages = list(group["coverage"])
    urls = list(dict.fromkeys(group["source_url"]))
    if "full text" in coverages:
        extra = "" if len(group) == 1 else f" (with {len(group) - 1} other part file(s): review them by hand)"
        return {"outcome": "skipped", "reason": "already a full text" + extra, "url": urls[0]}
    if coverages[0] != "opening excerpt" or group["part"].iloc[0] != 1:
        return {"outcome": "skipped", "url": urls[0],
                "reason": "no opening excerpt (part 1): where the full text starts cannot be checked"}
    paths = [texts_dir / name for name in group["file"]]
    originals = {path: path.read_bytes() for path in paths}
    bodies = list(group["text"])
    problems: list[FetchProblem] = []
    for url in urls:
        try:
            page = download(url, allowed, session=session, **options)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # bs4's guesses about odd markup
                candidates = extract_texts(page.content, page.encoding)
            full = full_text_for(bodies, candidates)
        except FetchProblem as err:
            problems.append(err if len(urls) == 1 or url in str(err) else type(err)(f"{url}: {err}"))
            continue
        try:
            return _use_full_text(texts_dir, group, paths, originals, page, full, urls, dry_run, today)
        except FetchProblem as err:
            return {"outcome": err.outcome, "reason": str(err), "url": page.url, "new_chars": len(full)}
    outcome = "refused" if any(p.outcome == "refused" for p in problems) else "failed"
    return {"outcome": outcome, "url": " ".join(urls), "reason": "; ".join(str(p) for p in problems)}


def _use_full_text(texts_dir, group, paths, originals, page: Page, full: str, urls, dry_run, today) -> dict:
    old_chars = int(group["chars"].sum())
    result = {"url": page.url, "new_chars": len(full)}
    if len(full) < old_chars:  # several parts: all of them together, overlaps counted twice (conservative)
        stored = "stored text" if len(group) == 1 else f"{len(group)} stored parts together"
        raise Refused(f"the fetched text ({len(full):,} characters) is shorter than the {stored} "
                      f"({old_chars:,}); kept the stored text")
    if len(group) == 1 and normalise(full) == normalise(group["text"].iloc[0]):
        return {**result, "outcome": "skipped", "reason": "the page holds nothing beyond the stored excerpt"}
    what = (f"{old_chars:,} -> {len(full):,} characters from {page.url}"
            + (f" (redirected to {page.final_url})" if page.final_url != page.url else "")
            + (f"; {len(group)} parts merged into {paths[0].name}" if len(group) > 1 else ""))
    if dry_run:
        return {**result, "outcome": "would fetch", "reason": what, "file": paths[0].name}
    header, _ = read_text_file(paths[0])
    content = _file_text(header, group, full, page, urls, today)
    _write_atomically(paths[0], content, full, originals[paths[0]])
    for path in paths[1:]:
        if path.read_bytes() != originals[path]:
            raise Failed(f"{paths[0].name} written, but {path.name} changed meanwhile and was not removed: "
                         "remove it by hand once checked")
        path.unlink()
    return {**result, "outcome": "fetched", "reason": what, "file": paths[0].name}


def _file_text(header: dict, group: pd.DataFrame, full: str, page: Page, urls: list[str], today: dt.date) -> str:
    fields = dict(header)
    fields.pop("part", None)
    fields["source_url"] = page.url
    earlier = fields.get("other_source_urls") or []
    earlier = [earlier] if isinstance(earlier, str) else list(earlier)
    others = [u for u in dict.fromkeys([*urls, *earlier]) if u != page.url]
    if others:
        fields["other_source_urls"] = others
    if page.final_url != page.url:
        fields["retrieved_url"] = page.final_url
    fields["coverage"] = "full text"
    fields["chars"] = len(full)
    ids = list(group["doc_id"])
    fields["notes"] = (f"full text fetched by 'python -m valduchesse fetch' from source_url on {today:%Y-%m-%d}; "
                       f"page text before the start of the stored opening excerpt dropped; the stored excerpt"
                       + (f"s {', '.join(ids)} were" if len(ids) > 1 else f" {ids[0]} was")
                       + " found in it (whitespace and quotes normalised), in order; their notes are in excerpt_notes")
    excerpt_notes = {doc: str(note) for doc, note in zip(group["doc_id"], group["notes"]) if note}
    if excerpt_notes:
        fields["excerpt_notes"] = excerpt_notes
    fields["replaced_excerpts"] = dict(zip(group["doc_id"], group["sha256"]))
    fields["retrieved"] = today
    fields["sha256"] = hashlib.sha256(full.encode("utf-8")).hexdigest()
    head = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return f"---\n{head}---\n{full}\n"


def _write_atomically(target: Path, content: str, body: str, original: bytes) -> None:
    """Write ``content`` to a hidden temporary file beside ``target``, check it, then rename it over."""
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=target.parent,
                                         prefix=f".{target.stem}.", suffix=".tmp", delete=False)
    temp = Path(handle.name)
    try:
        with handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        header, read_body = read_text_file(temp)
        validate_header(target, header, read_body)
        if read_body != body:
            raise Refused(f"{target.name}: the written text does not read back as fetched; nothing replaced")
        if target.read_bytes() != original:
            raise Refused(f"{target.name} changed while the page was fetched; left as it is")
        os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    try:
        directory = os.open(target.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(directory)
    except OSError:
        pass
    finally:
        os.close(directory)


# --- report -------------------------------------------------------------------------------------


_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"                  # CSI: colours, cursor moves, clearing the screen
    r"|\x1b[\]PX^_][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"  # OSC (window title, links), DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]?"                          # any other escape sequence
    r"|\x9b[0-?]*[ -/]*[@-~]?"                    # CSI as one C1 character
    r"|[\x90\x98\x9d-\x9f][^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?")  # C1 DCS, SOS, OSC, PM, APC
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""C0 and C1 control characters but tab and newline, and the bidirectional overrides and isolates."""


def printable(text) -> str:
    """``text`` without terminal escape sequences or control characters (tab and newline kept).

    Reasons quote page text and addresses the server chose; printed as they
    are, an escape sequence could recolour or clear the terminal, retitle
    its window, or hide the lines before it.
    """
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", str(text)))


def format_report(report: pd.DataFrame) -> str:
    """The report as plain text: one line per document, its reason indented below, then the counts.

    Everything printed goes through :func:`printable`; a reason of several
    lines is indented on each.
    """
    def one_line(value) -> str:
        return printable(value).replace("\n", " ")

    lines = []
    width = max([len(one_line(d)) for d in report["doc_ids"]] + [8])
    lines.append(f"{'outcome':<12} {'document':<{width}} {'chars':>17}")
    for row in report.itertuples(index=False):
        chars = f"{row.old_chars:,}" + (f" -> {row.new_chars:,}" if pd.notna(row.new_chars) else "")
        lines.append(f"{one_line(row.outcome):<12} {one_line(row.doc_ids):<{width}} {chars:>17}")
        lines.extend(f"{'':12} {line}" for line in printable(row.reason).split("\n"))
    counts = report["outcome"].value_counts()
    lines.append(", ".join(f"{counts[o]} {o}" for o in OUTCOMES if o in counts))
    return "\n".join(lines)


def exit_status(report: pd.DataFrame) -> int:
    """0 if every document was fetched, would be, or was skipped; 1 if any was refused or failed."""
    return int(bool(report["outcome"].isin(["refused", "failed"]).any()))
