"""The HTTP client: one page, within a deadline, a size cap and the allow-list, redirects checked by hand.

Each attempt must be over (connection, headers, body) within the timeout: a timer cuts the connection
when it passes. The body is capped both as sent and decompressed (``gzip`` and ``deflate`` only, at most
:data:`MAX_ENCODINGS` one inside the other); connection errors, timeouts and 429/5xx answers are retried
with exponential backoff.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import zlib
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
import requests.adapters
import requests.cookies
import urllib3

from .allowlist import AllowList
from .errors import Failed, Refused

__all__ = [
    "DEFAULT_BACKOFF", "DEFAULT_MAX_BYTES", "DEFAULT_RETRIES", "DEFAULT_TIMEOUT", "HTML_TYPES", "MAX_ENCODINGS",
    "MAX_REDIRECTS", "Page", "READ_SIZE", "REDIRECT_STATUS", "RETRY_STATUS", "USER_AGENT", "download",
]


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
HTML_TYPES = ("text/html", "application/xhtml+xml")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "valduchesse-fetch/0.1 (text-as-data research corpus)"


class _Transient(Exception):
    """An attempt that may succeed if repeated."""



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
    """Download one HTML page from an allowed address; raise :class:`.errors.Refused` or :class:`.errors.Failed`.

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
