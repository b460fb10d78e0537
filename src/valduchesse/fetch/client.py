"""The HTTP client: one page, within a deadline, a size cap and the allow-list, redirects checked by hand.

Built on urllib3's public API: one :class:`urllib3.connection.HTTPConnection` per attempt (TLS from the
standard library's default context, certificates and host name checked), the response read with
``preload_content=False``. Each attempt must be over (connection, headers,
body) within the timeout: every socket operation waits at most the time left, the time is checked between
reads, and a timer shuts the socket down when the time is up, so that headers sent one byte at a time end
too. The body is capped both as sent and decompressed (``gzip`` and ``deflate`` only, at most
:data:`MAX_ENCODINGS` one inside the other, undone by urllib3's bounded decoders: at most :data:`READ_SIZE`
bytes a read); connection errors, timeouts and 429/5xx answers are retried with exponential backoff.
"""

from __future__ import annotations

import gzip
import http.client
import io
import socket
import ssl
import threading
import time
import urllib.request
import zlib
from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit

import urllib3
from urllib3.connection import HTTPConnection
from urllib3.response import HTTPResponse
from urllib3.util import make_headers

from .allowlist import AllowList
from .errors import Failed, Refused

__all__ = [
    "DEFAULT_BACKOFF", "DEFAULT_MAX_BYTES", "DEFAULT_RETRIES", "DEFAULT_TIMEOUT", "FetchedPage", "HTML_TYPES",
    "MAX_ENCODINGS", "MAX_REDIRECTS", "READ_SIZE", "REDIRECT_STATUS", "RETRY_STATUS", "USER_AGENT", "download",
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
"""Bytes asked for at each read of a body, as sent or decoded; a read returns whatever has arrived, up to that."""
HTML_TYPES = ("text/html", "application/xhtml+xml")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "valduchesse-fetch/0.1 (text-as-data research corpus)"
_HEADERS = {"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml", "Accept-Encoding": "gzip, deflate"}
_GZIP = ("gzip", "x-gzip")


class _Transient(Exception):
    """An attempt that may succeed if repeated."""


@dataclass(frozen=True)
class FetchedPage:
    """One downloaded page: the address asked for, where it ended up, its bytes and charset."""

    url: str
    final_url: str
    content: bytes
    encoding: str | None


class _Deadline:
    """The wall-clock limit of one attempt: the time left, and a timer that shuts the connection when it passes.

    The timer shuts the connection down through a duplicate of the socket's
    descriptor (so that a TLS socket's own state is never touched from the
    timer's thread): whatever is blocked on it returns at once, however slowly
    the server sends, and the reading code then sees :attr:`expired` and
    reports a timeout.
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._duplicate: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        """Seconds left, never below a millisecond (a socket timeout of 0 would mean non-blocking)."""
        return max(self.at - time.monotonic(), 0.001)

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.at

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock``'s connection down when the deadline passes (at once if it has)."""
        with self._lock:
            self._duplicate = socket.fromfd(sock.fileno(), sock.family, sock.type)
            if self.expired:
                _shut(self._duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            if self._duplicate is not None:
                _shut(self._duplicate)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._duplicate is not None:
                self._duplicate.close()
                self._duplicate = None


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def _content_type(value: str) -> tuple[str, str | None]:
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            charset = val.strip().strip("\"'")
    return media.strip().lower(), charset


def _encodings(value: str) -> list[str]:
    return [e for e in (part.strip().lower() for part in value.split(",")) if e and e != "identity"]


def _timed_out(deadline: _Deadline, how: str) -> _Transient:
    return _Transient(f"no complete answer within the timeout of {deadline.seconds:g} s; {how}")


def _attempt(url: str, timeout: float, max_bytes: int):
    """One request: ``("redirect", location)``, ``("status", code, reason)`` or ``("page", bytes, charset)``.

    Everything (connection, headers, body) must be over within ``timeout``
    seconds: see :class:`_Deadline`. The body of a redirect or an error is
    never read: the connection is closed, not drained.
    """
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = _connection(parts, timeout)
    deadline = _Deadline(timeout)
    response = None
    try:
        try:
            connection.connect()  # TCP, and the proxy's CONNECT if any
            deadline.watch(connection.sock)
            if parts.scheme == "https":  # the TLS handshake under the deadline too
                connection.sock.settimeout(deadline.left())
                connection.sock = ssl.create_default_context().wrap_socket(connection.sock,
                                                                           server_hostname=parts.hostname)
            sock = connection.sock
            connection.timeout = deadline.left()
            connection.request("GET", target, headers={**_HEADERS, "Host": parts.netloc}, preload_content=False,
                               decode_content=False)
            response = connection.getresponse()
            code = response.status
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
            encodings = _encodings(response.headers.get("Content-Encoding", ""))
            _check_encodings(url, encodings)
            raw = _read_raw(response, sock, url, deadline, max_bytes)
        except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError) as err:
            if deadline.expired or (response is not None and _is_timeout(err)):
                raise _timed_out(deadline, "the connection was cut") from None
            raise
        if deadline.expired:  # the cut may look like the end of a body sent without a length
            raise _timed_out(deadline, "the connection was cut")
        return ("page", _decoded(raw, encodings, url, max_bytes), charset)
    finally:
        deadline.close()
        if response is not None:
            response.close()
        connection.close()


def _connection(parts, timeout: float) -> HTTPConnection:
    """A connection (not yet open) to the address's host, or a tunnel to it through the environment's proxy, if any.

    The proxy is taken as the standard library takes it (``https_proxy``,
    ``http_proxy``, ``no_proxy``; :func:`urllib.request.getproxies`); it must
    be an ``http://`` proxy that answers ``CONNECT``. TLS, for ``https``, is
    added by :func:`_attempt` once the connection is open.
    """
    port = parts.port or (443 if parts.scheme == "https" else 80)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(parts.hostname):
        return HTTPConnection(parts.hostname, port, timeout=timeout)
    via = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if via.scheme != "http" or not via.hostname:
        raise Refused(f"the proxy {proxy!r} set in the environment is not an http:// proxy; "
                      f"set {parts.scheme}_proxy to http://host:port, or unset it")
    connection = HTTPConnection(via.hostname, via.port or 80, timeout=timeout)
    credentials = f"{unquote(via.username)}:{unquote(via.password or '')}" if via.username else None
    connection.set_tunnel(parts.hostname, port,
                          headers=make_headers(proxy_basic_auth=credentials) if credentials else None)
    return connection


def _check_encodings(url: str, encodings: list[str]) -> None:
    unknown = [e for e in encodings if e not in (*_GZIP, "deflate")]
    if unknown:
        raise Refused(f"{url} answered with content encoding {unknown[0]!r}; only gzip and deflate are read")
    if len(encodings) > MAX_ENCODINGS:
        raise Refused(f"{url} answered with {len(encodings)} content encodings, one inside the other; "
                      f"at most {MAX_ENCODINGS} are undone")


def _read_raw(response: HTTPResponse, sock: socket.socket, url: str, deadline: _Deadline, max_bytes: int) -> bytes:
    """The body as sent, read in small pieces, each as soon as it arrives, each read waiting at most the time left."""
    raw = bytearray()
    while not response.isclosed():  # urllib3 closes it once a body of known length is read
        if deadline.passed():
            raise _timed_out(deadline, "reading stopped")
        sock.settimeout(deadline.left())
        data = response.read1(READ_SIZE, decode_content=False)
        if not data:
            break
        raw += data
        if len(raw) > max_bytes:
            raise Refused(f"{url} sent more than the cap of {max_bytes:,} bytes; reading stopped")
    return bytes(raw)


def _decoded(raw: bytes, encodings: list[str], url: str, max_bytes: int) -> bytes:
    """Undo the content encodings with urllib3's decoders, :data:`READ_SIZE` bytes at a time, up to the cap."""
    if not encodings:
        return raw
    named = ", ".join(encodings)
    body = HTTPResponse(body=io.BytesIO(raw), headers={"Content-Encoding": named}, preload_content=False)
    out = bytearray()
    try:
        while piece := body.read(READ_SIZE):
            out += piece
            if len(out) > max_bytes:
                raise Refused(f"{url} sent a body that decompresses to more than the cap of {max_bytes:,} bytes "
                              f"({named}); reading stopped")
        complete = _complete(raw, encodings[-1])
    except (urllib3.exceptions.DecodeError, zlib.error, gzip.BadGzipFile) as err:
        cause = err.args[-1] if isinstance(err, urllib3.exceptions.DecodeError) else err
        raise Failed(f"{url} sent a body that is not valid {named} ({cause})") from None
    if not complete:
        raise Failed(f"{url} sent a {named} body that stops before its end (truncated)")
    return bytes(out)


def _complete(raw: bytes, encoding: str) -> bool:
    """Whether the outer layer of ``raw`` reaches its end-of-stream mark (a body cut short in transit does not).

    Read again with the standard library, :data:`READ_SIZE` bytes at a time
    and thrown away; called only once the whole decoded body is under the cap.
    """
    if encoding in _GZIP:
        reader = gzip.GzipFile(fileobj=io.BytesIO(raw))
        try:
            while reader.read(READ_SIZE):
                pass
        except EOFError:
            return False
        except gzip.BadGzipFile:  # bytes after a complete member: ignored, as urllib3 ignores them
            return True
        return True
    for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # "deflate" as zlib data, else raw (as some servers send)
        inflater, data = zlib.decompressobj(wbits), raw
        try:
            while not inflater.eof and (inflater.decompress(data, READ_SIZE) or inflater.unconsumed_tail):
                data = inflater.unconsumed_tail
        except zlib.error:
            continue
        return inflater.eof
    return False


def _is_timeout(err: Exception) -> bool:
    return isinstance(err, (TimeoutError, urllib3.exceptions.TimeoutError)) or "timed out" in str(err).lower()


def download(url: str, allowed: AllowList, *, timeout: float = DEFAULT_TIMEOUT,
             max_bytes: int = DEFAULT_MAX_BYTES, retries: int = DEFAULT_RETRIES,
             backoff: float = DEFAULT_BACKOFF) -> FetchedPage:
    """Download one HTML page from an allowed address.

    Redirects are followed by hand (at most :data:`MAX_REDIRECTS`), each target
    checked against ``allowed`` before it is requested; their bodies are never
    read. Each attempt must be over (connection, headers and body) within
    ``timeout`` seconds, and the body may not exceed ``max_bytes``, neither as
    sent nor decompressed. Connection errors, timeouts and 429/5xx answers are
    tried again ``retries`` times, after ``backoff``, ``2 * backoff``, …
    seconds; other HTTP errors are not.

    Parameters
    ----------
    url : str
        The page's address; it must pass ``allowed``.
    allowed : AllowList
        The hosts that may be requested, redirect targets included.
    timeout, max_bytes, retries, backoff
        The limits above.

    Returns
    -------
    FetchedPage
        The page's bytes (decoded from any content encoding) and the charset its headers name.

    Raises
    ------
    valduchesse.fetch.errors.Refused
        A check said no (address, redirect target, content type or encoding, size).
    valduchesse.fetch.errors.Failed
        The page could not be had (network, timeout, HTTP error, broken compressed body).
    """
    problem = allowed.problem(url)
    if problem:
        raise Refused(f"not requested: {problem}")
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        for attempt in range(retries + 1):
            try:
                result = _attempt(current, timeout, max_bytes)
                break
            except http.client.InvalidURL as err:
                raise Refused(f"{current} is not a valid address ({err})") from None
            except (urllib3.exceptions.HTTPError, http.client.HTTPException, OSError, _Transient) as err:
                if attempt == retries:
                    raise Failed(f"{current}: {_describe(err, timeout)} (gave up after {retries + 1} "
                                 f"attempt{'s' if retries else ''})") from None
                time.sleep(backoff * 2 ** attempt)
        if result[0] == "page":
            return FetchedPage(url, current, result[1], result[2])
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


def _describe(err: Exception, timeout: float) -> str:
    if isinstance(err, _Transient):
        return str(err)
    if isinstance(err, (urllib3.exceptions.NewConnectionError, ssl.SSLError, ssl.CertificateError,
                        ConnectionRefusedError)):
        return f"connection failed ({type(err).__name__})"
    if _is_timeout(err):
        return f"no answer within the timeout of {timeout:g} s"
    return f"the connection broke while the page was read ({type(err).__name__})"
