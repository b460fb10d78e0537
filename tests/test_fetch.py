"""The corpus fetcher against a real HTTP server on 127.0.0.1 (no mocks of the HTTP client).

Each test copies a few files of texts/ into a temporary folder, points their
source_url at a page that this module serves on 127.0.0.1, and runs the
fetcher there. The pages are built around the stored excerpts; what follows an
excerpt is TEST DATA written here, not an official text, and never reaches
texts/ (checked byte for byte when the module ends). Nothing here touches the
network beyond 127.0.0.1.
"""

from __future__ import annotations

import collections
import datetime as dt
import gzip
import hashlib
import html
import re
import selectors
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from valduchesse.corpus import load_corpus, read_text_file
from valduchesse.corpus_views import join_parts
from valduchesse.fetch.allowlist import AllowListError, load_allow_list
from valduchesse.fetch.extract import extract_texts
from valduchesse.fetch.match import locate_opening, normalise
from valduchesse.fetch.terminal import exit_status, format_report
from valduchesse.fetch.write import fetch_corpus

from valduchesse.fetch import client as client_module, errors as errors_module, extract as extract_module
from valduchesse.fetch import write as write_module
from conftest import TEXTS

FR_2016 = "2016-02-01_fr_archive-premier-be.txt"
FR_2017 = "2017-10-16_fr_info-gouv-fr.txt"
FR_2018_PART1 = "2018-06-11_fr_gouvernement-fr.txt"
FR_2018_PART2 = "2018-06-11_fr_info-gouv-fr.txt"
NL_2021_FULL = "2021-11-22_nl_sophiewilmes-be.txt"
TODAY = dt.date(2030, 1, 2)
MARK = "TEST DATA — not an official text"
CONTINUATION = [
    f"{MARK}: this paragraph was written by tests/test_fetch.py to stand for the rest of a declaration.",
    f"{MARK}: a second invented paragraph, so that the fetched text is clearly longer than the excerpt.",
    f"{MARK}: end of the invented continuation.",
]


# --- the server ---------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        server = self.server
        with server.lock:
            server.hits[self.path] += 1
            count = server.hits[self.path]
        route = server.routes.get(self.path)
        try:
            if route is None:
                self.send_error(404)
            else:
                route(self, count)
        except OSError:  # the client went away, or a streaming route's socket timed out
            pass

    def log_message(self, *args):
        pass


def send(handler, body, content_type="text/html; charset=utf-8", status=200, length=True, headers=()):
    data = body.encode("utf-8") if isinstance(body, str) else body
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    for name, value in headers:
        handler.send_header(name, value)
    if length:
        handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


@pytest.fixture(scope="module")
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.routes, httpd.hits, httpd.lock, httpd.stop = {}, collections.Counter(), threading.Lock(), threading.Event()
    httpd.sent = collections.Counter()  # body bytes that streaming routes got into the socket
    httpd.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.stop.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module", autouse=True)
def texts_unchanged():
    """texts/ must be byte-identical after every test of this module."""
    def snapshot():
        return {path.name: path.read_bytes() for path in sorted(TEXTS.iterdir()) if path.is_file()}

    before = snapshot()
    yield
    assert snapshot() == before, "texts/ changed during the fetch tests"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """A proxy set in the environment must not take the loopback requests elsewhere."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


# --- helpers ------------------------------------------------------------------------------------


def body_of(name: str) -> str:
    return read_text_file(TEXTS / name)[1]


def lines_of(name: str) -> list[str]:
    return [line for line in body_of(name).split("\n") if line.strip()]


def page(paragraphs: list[str], items: list[str] = (), before: list[str] = ()) -> str:
    """An HTML page with furniture around an article of ``paragraphs`` (and a list of ``items``)."""
    def para(text):
        # the page writes some apostrophes straight and some spaces non-breaking, unlike the excerpts
        return "<p>" + html.escape(text.replace("’", "'").replace(" :", "\u00a0:"), quote=False) + "</p>"
    before_html = "".join(para(p) for p in before)
    article = "\n".join(para(p) for p in paragraphs)
    if items:
        article += "\n<ul>" + "".join(f"<li>{html.escape(i, quote=False)}</li>" for i in items) + "</ul>"
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Test page</title>
<script>document.title = "SCRIPT RAN"; fetch("https://example.org/");</script>
<style>p {{ color: red }}</style></head>
<body><header><nav><a href="/">Accueil</a> <a href="/nl">NL</a></nav><div>Site header furniture</div></header>
<main>{before_html}<div class="label">Communiqué de presse</div>
<article>
{article}
</article>
<aside>Related articles furniture</aside>
<form><button>Partager</button></form></main>
<footer>Footer furniture, site map</footer>
<script>alert("SCRIPT RAN")</script></body></html>"""


def good_page(name: str) -> str:
    lines = lines_of(name)
    return page(lines[:-1] + [lines[-1].rstrip() + " " + CONTINUATION[0]] + CONTINUATION[1:])


def make_texts(tmp_path, server, files: dict[str, str]):
    """Copy real texts into tmp_path/texts, each source_url pointing at ``files[name]`` on the server."""
    folder = tmp_path / "texts"
    folder.mkdir(parents=True)
    for name, route in files.items():
        text = (TEXTS / name).read_text(encoding="utf-8")
        text, count = re.subn(r"(?m)^source_url: .*$", f"source_url: {server.base}{route}", text, count=1)
        assert count == 1
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def snapshot(folder):
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def run(folder, **options):
    settings = dict(allowed=load_allow_list(allow_loopback_http=True), timeout=2.0, retries=0, backoff=0.01,
                    today=TODAY)
    settings.update(options)
    return fetch_corpus(folder, **settings)


def only(report):
    assert len(report) == 1, report
    return report.iloc[0]


# --- good pages ---------------------------------------------------------------------------------


def test_good_page_replaces_the_excerpt_with_the_full_text(tmp_path, server):
    server.routes["/good"] = lambda h, n: send(h, good_page(FR_2016))
    folder = make_texts(tmp_path, server, {FR_2016: "/good"})
    old_header, excerpt = read_text_file(folder / FR_2016)

    report = run(folder)
    row = only(report)
    assert row["outcome"] == "fetched", row["reason"]
    assert exit_status(report) == 0
    assert "fetched" in format_report(report)

    documents = load_corpus(folder)  # the written file passes the loader
    doc = documents.iloc[0]
    assert doc["coverage"] == "full text" and doc["chars"] == len(doc["text"]) == row["new_chars"]
    assert doc["text"].startswith("Déclaration conjointe franco-belge du 1er février 2016")
    assert normalise(doc["text"]).startswith(normalise(excerpt))
    assert doc["text"].endswith(CONTINUATION[-1])
    for furniture in ("SCRIPT RAN", "Site header", "Accueil", "Communiqué de presse", "Related articles",
                      "Partager", "Footer furniture"):
        assert furniture not in doc["text"]
    header, _ = read_text_file(folder / FR_2016)
    assert header["retrieved"] == TODAY
    assert header["sha256"] == doc["sha256"] == hashlib.sha256(doc["text"].encode()).hexdigest()
    for field in ("meeting_date", "place", "language", "kind", "title", "source_url"):
        assert header[field] == old_header[field]
    assert header["excerpt_notes"] == {FR_2016[:-4]: old_header["notes"]}
    assert header["replaced_excerpts"] == {FR_2016[:-4]: hashlib.sha256(excerpt.encode()).hexdigest()}
    assert not [p for p in folder.iterdir() if p.name != FR_2016]  # no temporary file left

    again = only(run(folder))  # a second run leaves the full text alone
    assert again["outcome"] == "skipped" and "already a full text" in again["reason"]


def test_dry_run_reports_and_writes_nothing(tmp_path, server):
    server.routes["/dry"] = lambda h, n: send(h, good_page(FR_2017))
    folder = make_texts(tmp_path, server, {FR_2017: "/dry"})
    before = snapshot(folder)
    row = only(run(folder, dry_run=True))
    assert row["outcome"] == "would fetch", row["reason"]
    assert row["new_chars"] > row["old_chars"] == 1907
    assert snapshot(folder) == before


def test_redirect_within_the_allow_list_is_followed_and_recorded(tmp_path, server):
    server.routes["/moved"] = lambda h, n: send(h, "", status=301, headers=[("Location", "/moved-here")])
    server.routes["/moved-here"] = lambda h, n: send(h, good_page(FR_2017))
    folder = make_texts(tmp_path, server, {FR_2017: "/moved"})
    row = only(run(folder))
    assert row["outcome"] == "fetched", row["reason"]
    header, _ = read_text_file(folder / FR_2017)
    assert header["source_url"] == f"{server.base}/moved"
    assert header["retrieved_url"] == f"{server.base}/moved-here"


def test_500_then_200_is_retried_and_succeeds(tmp_path, server):
    def flaky(handler, count):
        if count == 1:
            send(handler, "<p>Internal error</p>", status=500)
        else:
            send(handler, good_page(FR_2017))
    server.routes["/flaky"] = flaky
    folder = make_texts(tmp_path, server, {FR_2017: "/flaky"})
    row = only(run(folder, retries=2))
    assert row["outcome"] == "fetched", row["reason"]
    assert server.hits["/flaky"] == 2


# --- refusals and failures: texts stay as they are -----------------------------------------------


def test_diverging_page_is_refused_and_says_where(tmp_path, server):
    lines = lines_of(FR_2016)
    changed = [line.replace("Charles Michel", "Charles Martel") for line in lines] + CONTINUATION
    server.routes["/diverges"] = lambda h, n: send(h, page(changed))
    folder = make_texts(tmp_path, server, {FR_2016: "/diverges"})
    before = snapshot(folder)
    row = only(run(folder))
    assert row["outcome"] == "refused"
    at = body_of(FR_2016).index("Charles Michel") + len("Charles M")
    assert f"diverge at character {at:,} (line 3)" in row["reason"]
    assert "Charles M⟨here⟩ichel" in row["reason"] and "Charles M⟨here⟩artel" in row["reason"]
    assert snapshot(folder) == before


def test_page_ending_before_the_excerpt_is_refused(tmp_path, server):
    server.routes["/short"] = lambda h, n: send(h, page(lines_of(FR_2016)[:3]))
    folder = make_texts(tmp_path, server, {FR_2016: "/short"})
    before = snapshot(folder)
    row = only(run(folder))
    assert row["outcome"] == "refused" and "the page's text ends at character" in row["reason"]
    assert snapshot(folder) == before


def test_shorter_text_is_never_written(tmp_path, server):
    # The page holds exactly the excerpt, but without its double spaces and blank lines: the check passes
    # (normalised, it is the same text) and the fetched text is shorter than the stored one.
    server.routes["/same-but-shorter"] = lambda h, n: send(h, page(lines_of(FR_2016)))
    folder = make_texts(tmp_path, server, {FR_2016: "/same-but-shorter"})
    before = snapshot(folder)
    row = only(run(folder))
    assert row["outcome"] == "refused" and "shorter than the stored text" in row["reason"]
    assert row["new_chars"] < row["old_chars"]
    assert snapshot(folder) == before


def test_redirect_off_the_allow_list_is_refused_without_following(tmp_path, server):
    port = server.server_address[1]
    server.routes["/off-list"] = lambda h, n: send(
        h, "", status=302, headers=[("Location", f"http://127.0.0.2:{port}/never-requested")])
    server.routes["/off-site"] = lambda h, n: send(h, "", status=302, headers=[("Location", "https://example.org/x")])
    server.routes["/never-requested"] = lambda h, n: send(h, good_page(FR_2016))
    folder = make_texts(tmp_path, server, {FR_2016: "/off-list", FR_2017: "/off-site"})
    before = snapshot(folder)
    report = run(folder).set_index("doc_ids")
    off_list, off_site = report.loc[FR_2016[:-4]], report.loc[FR_2017[:-4]]
    assert off_list["outcome"] == "refused" and "127.0.0.2" in off_list["reason"] and "not followed" in off_list["reason"]
    assert off_site["outcome"] == "refused" and "example.org is not on the allow-list" in off_site["reason"]
    assert server.hits["/never-requested"] == 0
    assert snapshot(folder) == before
    assert exit_status(report) == 1


@pytest.mark.slow
def test_slow_response_times_out_and_is_retried(tmp_path, server):
    def slow(handler, count):
        server.stop.wait(3)
        send(handler, good_page(FR_2016))
    server.routes["/slow"] = slow
    folder = make_texts(tmp_path, server, {FR_2016: "/slow"})
    before = snapshot(folder)
    started = time.monotonic()
    row = only(run(folder, timeout=0.3, retries=1))
    assert time.monotonic() - started < 2.5
    assert row["outcome"] == "failed" and "timeout of 0.3 s" in row["reason"] and "2 attempts" in row["reason"]
    assert server.hits["/slow"] == 2
    assert snapshot(folder) == before


def test_oversized_body_is_refused(tmp_path, server):
    filler = [f"{MARK}: filler paragraph {i} " + "x" * 200 for i in range(300)]  # about 70 kB
    lines = lines_of(FR_2017)
    big = page(lines + filler)
    server.routes["/big"] = lambda h, n: send(h, big)
    server.routes["/big-unannounced"] = lambda h, n: send(h, big, length=False)  # no Content-Length
    folder = make_texts(tmp_path, server, {FR_2016: "/big", FR_2017: "/big-unannounced"})
    before = snapshot(folder)
    report = run(folder, max_bytes=50_000).set_index("doc_ids")
    assert (report["outcome"] == "refused").all()
    assert "announces" in report.loc[FR_2016[:-4], "reason"]
    assert "more than the cap of 50,000 bytes" in report.loc[FR_2017[:-4], "reason"]
    assert snapshot(folder) == before


def test_non_html_content_types_are_refused(tmp_path, server):
    server.routes["/pdf"] = lambda h, n: send(h, b"%PDF-1.4 not a page", content_type="application/pdf")
    text = "\n".join(lines_of(FR_2017) + CONTINUATION)  # would pass the check, if it were HTML
    server.routes["/plain"] = lambda h, n: send(h, text, content_type="text/plain; charset=utf-8")
    folder = make_texts(tmp_path, server, {FR_2016: "/pdf", FR_2017: "/plain"})
    before = snapshot(folder)
    report = run(folder).set_index("doc_ids")
    assert (report["outcome"] == "refused").all()
    assert "'application/pdf', not HTML" in report.loc[FR_2016[:-4], "reason"]
    assert "'text/plain', not HTML" in report.loc[FR_2017[:-4], "reason"]
    assert snapshot(folder) == before


def test_http_errors_fail_clearly_and_4xx_is_not_retried(tmp_path, server):
    server.routes["/always-500"] = lambda h, n: send(h, "<p>error</p>", status=503)
    folder = make_texts(tmp_path, server, {FR_2016: "/always-500", FR_2017: "/missing"})
    before = snapshot(folder)
    report = run(folder, retries=2).set_index("doc_ids")
    assert (report["outcome"] == "failed").all()
    assert "HTTP 503" in report.loc[FR_2016[:-4], "reason"] and "3 attempts" in report.loc[FR_2016[:-4], "reason"]
    assert "HTTP 404" in report.loc[FR_2017[:-4], "reason"]
    assert server.hits["/always-500"] == 3 and server.hits["/missing"] == 1
    assert snapshot(folder) == before


class _TunnelHandler(BaseHTTPRequestHandler):
    """An http:// proxy on 127.0.0.1 that answers CONNECT, relays both ways for at most 5 s, and logs each tunnel."""

    def do_CONNECT(self):  # noqa: N802 (the name http.server calls)
        host, _, port = self.path.rpartition(":")
        self.server.tunnels.append((self.path, self.headers.get("Proxy-Authorization")))
        with socket.create_connection((host, int(port)), timeout=5) as upstream:
            self.send_response(200, "Connection established")
            self.end_headers()
            with selectors.DefaultSelector() as selector:
                selector.register(self.connection, selectors.EVENT_READ, upstream)
                selector.register(upstream, selectors.EVENT_READ, self.connection)
                ends = time.monotonic() + 5
                while time.monotonic() < ends:
                    for key, _ in selector.select(timeout=0.5):
                        data = key.fileobj.recv(65536)
                        if not data:
                            return
                        key.data.sendall(data)

    def log_message(self, *args):
        pass


def test_a_proxy_set_in_the_environment_is_used_unless_no_proxy_names_the_host(tmp_path, server, monkeypatch):
    proxy = _Server(("127.0.0.1", 0), _TunnelHandler)
    proxy.tunnels = []
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        server.routes["/via-proxy"] = lambda h, n: send(h, good_page(FR_2016))
        allowed = load_allow_list(allow_loopback_http=True)
        monkeypatch.setenv("http_proxy", f"http://me:se%40cret@127.0.0.1:{proxy.server_address[1]}")
        page = client_module.download(f"{server.base}/via-proxy", allowed, timeout=5.0, retries=0)
        assert page.content == good_page(FR_2016).encode()  # the fixture's NO_PROXY=127.0.0.1 is honoured:
        assert proxy.tunnels == []                           # the page came straight from the server
        monkeypatch.delenv("NO_PROXY")
        page = client_module.download(f"{server.base}/via-proxy", allowed, timeout=5.0, retries=0)
        assert page.content == good_page(FR_2016).encode() and server.hits["/via-proxy"] == 2
        assert proxy.tunnels == [(server.base.removeprefix("http://"), "Basic bWU6c2VAY3JldA==")]  # me:se@cret
        monkeypatch.setenv("http_proxy", "socks5://127.0.0.1:1")
        with pytest.raises(errors_module.Refused, match=r"'socks5://127.0.0.1:1' set in the environment is not an "
                                                        r"http:// proxy; set http_proxy to"):
            client_module.download(f"{server.base}/via-proxy", allowed, timeout=5.0, retries=0)
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(5)


def slow_headers(handler, count):
    """A status line, then a header one byte every 0.05 s for up to 8 s."""
    handler.connection.settimeout(8)
    handler.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
    for _ in range(160):
        if handler.server.stop.wait(0.05):
            return
        handler.wfile.write(b"a")


@pytest.mark.slow
def test_https_pages_are_read_only_from_a_trusted_certificate(tmp_path, server, monkeypatch):
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True, timeout=60)
    tls = _Server(("127.0.0.1", 0), _Handler)
    tls.routes, tls.hits, tls.lock, tls.stop = server.routes, collections.Counter(), threading.Lock(), server.stop
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    tls.socket = context.wrap_socket(tls.socket, server_side=True)
    thread = threading.Thread(target=tls.serve_forever, daemon=True)
    thread.start()
    try:
        server.routes["/tls"] = lambda h, n: send(h, good_page(FR_2016))
        server.routes["/tls-trickle"] = slow_headers
        url, allowed = f"https://127.0.0.1:{tls.server_address[1]}/tls", load_allow_list(allow_loopback_http=True)
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-file.pem"))  # the test certificate not trusted
        with pytest.raises(errors_module.Failed, match=r"connection failed \(SSLCertVerificationError\)"):
            client_module.download(url, allowed, timeout=5.0, retries=0)
        assert tls.hits["/tls"] == 0
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the test certificate trusted
        assert client_module.download(url, allowed, timeout=5.0, retries=0).content == good_page(FR_2016).encode()
        assert tls.hits["/tls"] == 1
        started = time.monotonic()  # headers sent a byte at a time end at the deadline over TLS too
        with pytest.raises(errors_module.Failed, match=r"no complete answer within the timeout of 1 s"):
            client_module.download(url.replace("/tls", "/tls-trickle"), allowed, timeout=1.0, retries=0)
        assert time.monotonic() - started < 1.0 + 0.8
    finally:
        tls.shutdown()
        tls.server_close()
        thread.join(5)


@pytest.mark.slow
def test_a_tls_handshake_trickled_ends_at_the_deadline():
    # A server that announces a 16 kB TLS handshake record, then sends it one byte every 0.05 s, for 8 s: the
    # handshake must end at the attempt's deadline all the same (the README's "connection, TLS handshake, ...").
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def trickle():
        connection, _ = listener.accept()
        with connection:
            connection.sendall(b"\x16\x03\x03\x40\x00")
            for _ in range(160):
                if stop.wait(0.05):
                    return
                try:
                    connection.sendall(b"\x00")
                except OSError:  # the client cut the connection
                    return

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/"
        started = time.monotonic()
        with pytest.raises(errors_module.Failed, match=r"no complete answer within the timeout of 1 s"):
            client_module.download(url, load_allow_list(allow_loopback_http=True), timeout=1.0, retries=0)
        assert time.monotonic() - started < 1.0 + 0.8
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_loopback_is_refused_by_default(tmp_path, server):
    server.routes["/default"] = lambda h, n: send(h, good_page(FR_2016))
    folder = make_texts(tmp_path, server, {FR_2016: "/default"})
    row = only(fetch_corpus(folder, timeout=1, retries=0, today=TODAY))
    assert row["outcome"] == "refused" and "not an https address" in row["reason"]
    assert server.hits["/default"] == 0


def test_one_failure_does_not_stop_the_others(tmp_path, server):
    server.routes["/mixed-good"] = lambda h, n: send(h, good_page(FR_2017))
    server.routes["/mixed-pdf"] = lambda h, n: send(h, b"%PDF", content_type="application/pdf")
    folder = make_texts(tmp_path, server, {FR_2016: "/mixed-pdf", FR_2017: "/mixed-good", NL_2021_FULL: "/unused"})
    full_before = (folder / NL_2021_FULL).read_bytes()
    excerpt_before = (folder / FR_2016).read_bytes()
    report = run(folder)
    outcomes = dict(zip(report["doc_ids"], report["outcome"]))
    assert outcomes == {FR_2016[:-4]: "refused", FR_2017[:-4]: "fetched", NL_2021_FULL[:-4]: "skipped"}
    assert exit_status(report) == 1
    assert (folder / NL_2021_FULL).read_bytes() == full_before and (folder / FR_2016).read_bytes() == excerpt_before
    assert server.hits["/unused"] == 0
    table = format_report(report)
    assert "1 fetched, 1 skipped, 1 refused" in table and "already a full text" in table


# --- hostile answers: bounded in bytes, memory and time ------------------------------------------


def stream(handler, status, headers, chunks, pause=0.0, limit=8.0):
    """Send ``status`` and ``headers``, then each of ``chunks`` (``pause`` s apart) until the client leaves.

    Stops after ``limit`` seconds, or when the module's server stops; counts what went into the socket
    in ``server.sent[path]``. A client that closes without reading makes the next write fail.
    """
    server = handler.server
    handler.connection.settimeout(limit)
    handler.send_response(status)
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    started = time.monotonic()
    for chunk in chunks:
        if server.stop.is_set() or time.monotonic() - started > limit:
            return
        handler.wfile.write(chunk)
        with server.lock:
            server.sent[handler.path] += len(chunk)
        if pause:
            server.stop.wait(pause)


def zeros_gzip(megabytes: int, layers: int) -> bytes:
    """``megabytes`` MB of zero bytes, gzipped ``layers`` times (a few kB for 100 MB, two layers)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 20)
    data = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    for _ in range(layers - 1):
        data = gzip.compress(data, 9)
    return data


GIB = 1 << 30
HTML = ("Content-Type", "text/html; charset=utf-8")


@pytest.mark.parametrize("kind", ["1 GiB announced", "gzip bomb", "trickle"])
def test_redirect_bodies_are_never_read(tmp_path, server, kind):
    route, target = f"/redirect-{kind.replace(' ', '-')}", f"/redirect-{kind.replace(' ', '-')}-target"
    location = ("Location", target)
    if kind == "1 GiB announced":  # 64 MB really sent, if the client reads it
        answer = lambda h, n: stream(h, 302, [location, HTML, ("Content-Length", str(GIB))],  # noqa: E731
                                     (bytes(65536) for _ in range(1024)))
    elif kind == "gzip bomb":  # 100 MB of zeros, gzipped twice
        bomb = zeros_gzip(100, 2)
        answer = lambda h, n: stream(h, 302, [location, HTML, ("Content-Encoding", "gzip, gzip"),  # noqa: E731
                                              ("Content-Length", str(len(bomb)))], [bomb])
    else:  # one byte every 0.1 s, for up to 8 s
        answer = lambda h, n: stream(h, 302, [location, HTML, ("Content-Length", "100000")],  # noqa: E731
                                     (b"x" for _ in range(100000)), pause=0.1)
    server.routes[route] = answer
    server.routes[target] = lambda h, n: send(h, good_page(FR_2016))
    folder = make_texts(tmp_path, server, {FR_2016: route})
    tracemalloc.start()
    started = time.monotonic()
    try:
        # A deadline well past what the fetch takes even on a loaded machine: a client reading the trickle would
        # still meet it (100,000 bytes at 10 a second) and fail, and the other bodies are checked by what was sent
        # and the memory peak, so the time is only a bound, not the test.
        row = only(run(folder, timeout=5.0))
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert row["outcome"] == "fetched", row["reason"]  # the redirect was followed, its body left unread
    assert server.hits[target] == 1
    assert elapsed < 5.0, f"{elapsed:.1f} s"
    assert peak < 40e6, f"{peak / 1e6:.0f} MB"
    assert server.sent[route] < 24e6  # what the kernel's socket buffers took; the client read none of it
    print(f"{kind}: {elapsed:.2f} s, peak {peak / 1e6:.1f} MB, {server.sent[route]:,} bytes into the socket")


def test_gzip_bomb_page_is_refused_within_memory(tmp_path, server):
    bomb = zeros_gzip(100, 2)
    single = zeros_gzip(100, 1)
    server.routes["/bomb2"] = lambda h, n: send(h, bomb, headers=[("Content-Encoding", "gzip, gzip")])
    server.routes["/bomb1"] = lambda h, n: send(h, single, headers=[("Content-Encoding", "gzip")])
    folder = make_texts(tmp_path, server, {FR_2016: "/bomb2", FR_2017: "/bomb1"})
    before = snapshot(folder)
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = run(folder).set_index("doc_ids")
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (report["outcome"] == "refused").all(), report["reason"]
    for reason in report["reason"]:
        assert "decompresses to more than the cap of 5,000,000 bytes" in reason
    assert "gzip, gzip" in report.loc[FR_2016[:-4], "reason"]
    assert elapsed < 5, f"{elapsed:.1f} s"
    assert peak < 40e6, f"{peak / 1e6:.0f} MB"
    assert snapshot(folder) == before


def test_compressed_pages_are_read(tmp_path, server):
    server.routes["/gzipped"] = lambda h, n: send(
        h, gzip.compress(good_page(FR_2016).encode()), headers=[("Content-Encoding", "gzip")])
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
    server.routes["/deflated"] = lambda h, n: send(  # raw deflate, as some servers send "deflate"
        h, raw_deflate.compress(good_page(FR_2017).encode()) + raw_deflate.flush(),
        headers=[("Content-Encoding", "deflate")])
    server.routes["/brotli"] = lambda h, n: send(h, b"not read", headers=[("Content-Encoding", "br")])
    truncated = gzip.compress(good_page(FR_2018_PART1).encode())[:-200]
    server.routes["/truncated"] = lambda h, n: send(h, truncated, headers=[("Content-Encoding", "gzip")])
    folder = make_texts(tmp_path, server, {FR_2016: "/gzipped", FR_2017: "/deflated"})
    report = run(folder).set_index("doc_ids")
    assert (report["outcome"] == "fetched").all(), report["reason"]
    folder = make_texts(tmp_path / "other", server, {FR_2016: "/brotli", FR_2017: "/truncated"})
    report = run(folder).set_index("doc_ids")
    assert report.loc[FR_2016[:-4], "outcome"] == "refused"
    assert "content encoding 'br'; only gzip and deflate are read" in report.loc[FR_2016[:-4], "reason"]
    assert report.loc[FR_2017[:-4], "outcome"] == "failed"
    assert "stops before its end" in report.loc[FR_2017[:-4], "reason"]


def test_compressed_bodies_cut_anywhere_are_read(server):
    # Every body sent in pieces of 1, 2, 3 and 1000 bytes (gzip magic, zlib header and gzip members cut between
    # reads), without a length: what download() returns is the text, or the reason it is not.
    text = ("Déclaration conjointe " * 300 + "".join(chr(33 + (i * 7919) % 900) for i in range(3000))).encode()
    raw = zlib.compressobj(6, zlib.DEFLATED, -15)
    bodies = {"deflate": [zlib.compress(text), raw.compress(text) + raw.flush()],
              "gzip": [gzip.compress(text), gzip.compress(text[:5000]) + gzip.compress(text[5000:]),
                       gzip.compress(text) + b"trailing bytes, ignored"],
              "deflate, gzip": [gzip.compress(zlib.compress(text))]}
    allowed = load_allow_list(allow_loopback_http=True)

    def get(route, body, encoding, size, **limits):
        server.routes[route] = lambda h, n: stream(
            h, 200, [HTML, ("Content-Encoding", encoding)], (body[i:i + size] for i in range(0, len(body), size)))
        return client_module.download(f"{server.base}{route}", allowed, timeout=5.0, retries=0, **limits)

    for encoding, variants in bodies.items():
        for number, body in enumerate(variants):
            for size in (1, 2, 3, 1000):
                route = f"/cut-{encoding.replace(', ', '-')}-{number}-{size}"
                assert get(route, body, encoding, size).content == text, (encoding, number, size)
    with pytest.raises(errors_module.Failed, match=r"gzip body that stops before its end \(truncated\)"):
        get("/cut-truncated", gzip.compress(text)[:-50], "gzip", 1000)
    with pytest.raises(errors_module.Failed, match=r"deflate body that stops before its end \(truncated\)"):
        get("/cut-truncated-deflate", zlib.compress(text)[:-50], "deflate", 1000)
    with pytest.raises(errors_module.Failed, match=r"not valid gzip"):
        get("/cut-not-gzip", b"not gzip at all" * 10, "gzip", 1000)
    with pytest.raises(errors_module.Refused, match=r"decompresses to more than the cap of 1,000,000 bytes \(gzip\)"):
        get("/cut-bomb", gzip.compress(bytes(10**7)), "gzip", 1000, max_bytes=10**6)
    with pytest.raises(errors_module.Refused, match=r"3 content encodings, one inside the other; at most 2"):
        get("/cut-three", gzip.compress(gzip.compress(gzip.compress(text))), "gzip, gzip, gzip", 1000)


@pytest.mark.slow
def test_trickled_answers_end_at_the_deadline(tmp_path, server):
    text = good_page(FR_2016).encode()
    head = text[:-400]

    def trickle_with_length(handler, count):  # most of the page at once, then one byte every 0.05 s
        stream(handler, 200, [HTML, ("Content-Length", str(len(text)))],
               [head, *(bytes([b]) for b in text[len(head):])], pause=0.05)

    def trickle_without_length(handler, count):  # the end of the body is the end of the connection
        stream(handler, 200, [HTML], [head, *(bytes([b]) for b in text[len(head):])], pause=0.05)

    def trickle_headers(handler, count):
        handler.connection.settimeout(8)
        handler.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nX-Slow: ")
        for _ in range(160):
            if server.stop.wait(0.05):
                return
            handler.wfile.write(b"a")

    server.routes["/trickle-length"] = trickle_with_length
    server.routes["/trickle-no-length"] = trickle_without_length
    server.routes["/trickle-headers"] = trickle_headers
    for route in ("/trickle-length", "/trickle-no-length", "/trickle-headers"):
        folder = make_texts(tmp_path / route.strip("/"), server, {FR_2016: route})
        before = snapshot(folder)
        started = time.monotonic()
        row = only(run(folder, timeout=1.0))
        elapsed = time.monotonic() - started
        assert row["outcome"] == "failed", (route, row["reason"])
        assert "no complete answer within the timeout of 1 s" in row["reason"], row["reason"]
        assert elapsed < 1.0 + 0.8, f"{route}: {elapsed:.1f} s"
        assert snapshot(folder) == before  # a body cut short is never taken for the page


def test_malformed_redirects_are_refused_and_the_run_goes_on(tmp_path, server):
    server.routes["/bad-ipv6"] = lambda h, n: send(h, "", status=302, headers=[("Location", "https://[x")])
    server.routes["/bad-port"] = lambda h, n: send(
        h, "", status=302, headers=[("Location", "http://127.0.0.1:99999/x")])
    server.routes["/after-bad"] = lambda h, n: send(h, two_part_page())
    folder = make_texts(tmp_path, server, {FR_2016: "/bad-ipv6", FR_2017: "/bad-port", FR_2018_PART1: "/after-bad",
                                           FR_2018_PART2: "/after-bad"})
    report = run(folder).set_index("doc_ids")
    ipv6, port = report.loc[FR_2016[:-4]], report.loc[FR_2017[:-4]]
    assert ipv6["outcome"] == "refused" and "to 'https://[x' not followed: not a valid address" in ipv6["reason"]
    assert port["outcome"] == "refused" and "not followed" in port["reason"]
    assert "http://127.0.0.1:99999/x' is not a valid address (Port out of range" in port["reason"]
    assert report["outcome"].tolist().count("fetched") == 1


def test_an_unexpected_error_refuses_one_document_only(tmp_path, server, monkeypatch):
    real = client_module.download

    def broken(url, *args, **kwargs):
        if url.endswith("/boom"):
            raise ValueError("an error nobody foresaw")
        return real(url, *args, **kwargs)

    monkeypatch.setattr(write_module, "download", broken)
    server.routes["/not-boom"] = lambda h, n: send(h, good_page(FR_2017))
    folder = make_texts(tmp_path, server, {FR_2016: "/boom", FR_2017: "/not-boom"})
    report = run(folder).set_index("doc_ids")
    assert report.loc[FR_2016[:-4], "outcome"] == "refused"
    assert "ValueError: an error nobody foresaw" in report.loc[FR_2016[:-4], "reason"]
    assert report.loc[FR_2017[:-4], "outcome"] == "fetched"


def test_report_strips_escape_codes_and_control_characters(tmp_path, server):
    escapes = "\x1b[2J\x1b]0;pwned\x07\x9b31m\x1b[5m\r\x00\u202e"  # clear screen, retitle, red, blink, ...
    lines = [line.replace("Charles Michel", f"Charles {escapes}Martel\x1b[0m") for line in lines_of(FR_2016)]
    server.routes["/escapes-page"] = lambda h, n: send(h, page(lines + CONTINUATION))
    server.routes["/escapes-redirect"] = lambda h, n: send(
        h, "", status=302, headers=[("Location", f"https://example.org/{escapes[:-3]}x")])  # latin-1, no CR
    folder = make_texts(tmp_path, server, {FR_2016: "/escapes-page", FR_2017: "/escapes-redirect"})
    report = run(folder)
    table = format_report(report)
    assert (report["outcome"] == "refused").all()
    control = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    for text in [table, *report["reason"], *report["url"]]:
        assert not control.search(text), repr(text)
        assert "pwned" not in text and "[2J" not in text and "31m" not in text
    assert "Charles ⟨here⟩ Martel" in table  # the words stay, the codes go (the \r was white space)
    assert "redirect from" in table and "https://example.org/x not followed" in table
    crafted = report.assign(reason=["line one\x1b[31m\nline two\tand a tab", "x"], doc_ids=["a\x1b[1mb", "c"])
    table = format_report(crafted)
    assert f"\n{'':12} line one\n{'':12} line two\tand a tab\n" in table and "ab" in table.split("\n")[1]


# --- several parts from several copies ----------------------------------------------------------


def two_part_page(order: str = "right", with_part2: bool = True) -> str:
    """Part 1's excerpt, invented continuation, then part 2's list items, as the French 2018 page might be.

    Part 2's first four lines (title, second line of the heading, place, date) are in part 1 already;
    its stored copy jumps from them to the list, which is what the part check must allow.
    """
    part1 = lines_of(FR_2018_PART1)
    part2 = lines_of(FR_2018_PART2)
    items = [line.removeprefix("- ") for line in part2[4:]]
    items[-1] += " " + CONTINUATION[0]
    paragraphs = part1[:-1] + [part1[-1] + " " + CONTINUATION[1]] + CONTINUATION * 5
    if not with_part2:
        return page(paragraphs + CONTINUATION[2:])
    if order == "right":
        return page(paragraphs, items + CONTINUATION[2:])
    if order == "reversed":
        return page(paragraphs, items[::-1] + CONTINUATION[2:])
    return page(paragraphs + CONTINUATION[2:], before=items)  # part 2 before part 1


def test_two_parts_are_merged_into_one_full_text(tmp_path, server):
    server.routes["/part1"] = lambda h, n: send(h, two_part_page())
    folder = make_texts(tmp_path, server, {FR_2018_PART1: "/part1", FR_2018_PART2: "/part2"})
    stored = load_corpus(folder)
    row = only(run(folder))
    assert row["outcome"] == "fetched", row["reason"]
    assert "2 parts merged" in row["reason"] and row["file"] == FR_2018_PART1
    assert server.hits["/part2"] == 0  # the first copy held both parts
    assert sorted(p.name for p in folder.iterdir()) == [FR_2018_PART1]

    documents = load_corpus(folder)
    doc = only(documents)
    assert doc["coverage"] == "full text" and doc["part"] == 1
    assert doc["source_url"] == f"{server.base}/part1"
    assert doc["extra_fields"]["other_source_urls"] == [f"{server.base}/part2"]
    assert set(doc["extra_fields"]["replaced_excerpts"]) == set(stored["doc_id"])
    assert "De poursuivre le renforcement des échanges" in doc["text"]
    assert only(join_parts(documents))["contiguous"]


def test_two_parts_taken_from_the_second_copy_when_the_first_lacks_part_2(tmp_path, server):
    server.routes["/copy1"] = lambda h, n: send(h, two_part_page(with_part2=False))
    server.routes["/copy2"] = lambda h, n: send(h, two_part_page())
    folder = make_texts(tmp_path, server, {FR_2018_PART1: "/copy1", FR_2018_PART2: "/copy2"})
    row = only(run(folder))
    assert row["outcome"] == "fetched", row["reason"]
    header, _ = read_text_file(folder / FR_2018_PART1)
    assert header["source_url"] == f"{server.base}/copy2"
    assert header["other_source_urls"] == [f"{server.base}/copy1"]
    assert sorted(p.name for p in folder.iterdir()) == [FR_2018_PART1]


def test_two_parts_not_merged_when_part_2_is_missing_or_out_of_order(tmp_path, server):
    server.routes["/no-part2"] = lambda h, n: send(h, two_part_page(with_part2=False))
    server.routes["/part2-first"] = lambda h, n: send(h, two_part_page(order="part 2 first"))
    server.routes["/reversed"] = lambda h, n: send(h, two_part_page(order="reversed"))
    expected = {
        "/no-part2": "paragraph 5 of part 2 (\"De poursuivre le renforcement des échanges d'infor…\") "
                     "is not in the fetched text",
        "/part2-first": "paragraph 5 of part 2 (\"De poursuivre le renforcement des échanges d'infor…\") "
                        "is on the page only before where part 1 starts",
        "/reversed": "paragraph 6 of part 2 (\"De travailler sur l'harmonisation des critères d'i…\") "
                     "is in the fetched text only before the paragraphs that precede it",
    }
    for route, message in expected.items():
        folder = make_texts(tmp_path / route.strip("/"), server, {FR_2018_PART1: route, FR_2018_PART2: route})
        before = snapshot(folder)
        row = only(run(folder))
        assert row["outcome"] == "refused", row["reason"]
        assert message in row["reason"]
        assert snapshot(folder) == before


# --- allow-list, extraction, normalisation ------------------------------------------------------


def test_official_domains_cover_every_source_url_in_texts():
    allowed = load_allow_list()
    for url in load_corpus(TEXTS)["source_url"]:
        assert urlsplit(url).scheme == "https"
        assert allowed.problem(url) is None, url


def test_allow_list_refuses_http_unknown_hosts_and_loopback_by_default():
    allowed = load_allow_list()
    assert allowed.problem("https://premier.fgov.be/nl/x") is None
    assert "not an https address" in allowed.problem("http://premier.fgov.be/nl/x")
    assert "not on the allow-list" in allowed.problem("https://example.org/")
    assert "not on the allow-list" in allowed.problem("https://evil.premier.fgov.be.example.org/")
    assert "port" in allowed.problem("https://premier.fgov.be:8443/")
    assert "user name" in allowed.problem("https://me@premier.fgov.be/")
    assert allowed.problem("http://127.0.0.1:8000/x") is not None
    loopback = load_allow_list(allow_loopback_http=True)
    assert loopback.problem("http://127.0.0.1:8000/x") is None
    assert loopback.problem("http://127.0.0.2:8000/x") is not None
    assert loopback.problem("http://premier.fgov.be/") is not None


def test_allow_list_file_rejects_schemes_and_wildcards(tmp_path):
    for entry, message in [("http://premier.be", "has a scheme"), ("'*.belgium.be'", "not a lower-case host name"),
                           ("premier.be/fr", "not a lower-case host name")]:
        path = tmp_path / "domains.yml"
        path.write_text(f"hosts:\n  - {entry}\n", encoding="utf-8")
        with pytest.raises(AllowListError, match=re.escape(message)):
            load_allow_list(path)
    path.write_text("hosts: []\n", encoding="utf-8")
    with pytest.raises(AllowListError, match="no list 'hosts'"):
        load_allow_list(path)
    assert load_allow_list(extra_hosts=["example.org"]).problem("https://example.org/") is None


def test_extraction_drops_code_and_furniture_and_makes_lines():
    texts = extract_texts(page(["Premier paragraphe.", "Deuxième  paragraphe"], ["un", "deux"]).encode("utf-8"))
    assert texts[0] == "Communiqué de presse\nPremier paragraphe.\nDeuxième paragraphe\nun\ndeux"
    assert all("SCRIPT RAN" not in text and "Footer" not in text for text in texts)
    assert any("Site header furniture" in text for text in texts)  # the body, the last candidate


def bs4_texts(html: bytes, encoding=None) -> list[str]:
    """The extraction as it was done with BeautifulSoup's tree (slow on big pages): the reference."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser", from_encoding=encoding)
    for tag in soup.find_all(extract_module.DROP_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(extract_module.BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    texts = []
    for root in soup.find_all("main") + soup.find_all("article") + [soup.body or soup]:
        text = extract_module.clean_lines(root.get_text())
        if text and text not in texts:
            texts.append(text)
    return texts


TRICKY_PAGES = [
    "<p>unclosed <p>paragraphs<li>and items<li>without ends</ul></p> stray </span></div> ends",
    "<body><main>one</main><main>two <article>inner</article> after</main><article>other</article></body>",
    "<body>a<br>b<br/>c<br></br>d</br>e<hr>f<div/>g<img src=x>h</body>",
    "<body><p>&amp; &lt;tag&gt; &eacute;t&eacute; &#233;&#xE9; &nbsp;x&#160;y caf&eacute;&nbsp;:</p></body>",
    "<body><!-- a comment --><p>kept</p><![CDATA[cdata text]]><?pi x?><!DOCTYPE x></body>",
    "<body><script>var s = '</div><p>not text</p>';</script><style>p{}</style><p>after</p></body>",
    "<body><nav><main>main in nav</main></nav><main>real main<aside>aside</aside></main></body>",
    "<body><ruby>漢<rp>(</rp><rt>kan</rt>字<rp>)</rp></ruby><pre>  keep   spaces\n  here </pre></body>",
    "<body><table><tr><td>a</td><td>b</td></tr><tr><th>c</th></tr></table><dl><dt>t<dd>d</dl></body>",
    "<BODY><P>Upper case</P><Main>Mixed</Main></BODY>",
    "<body>\n  <div>\n\n  spaced\t\tout\r\n text  </div>\n</body>",
    "<html><body><main><form><p>in form</p></form><footer>f</footer><p>end</p></main></body></html>",
    "text before <body>body text</body> text after",
    "no tags at all, just text &amp; an entity",
    "<body><main><template><p>t</p></template><noscript>ns</noscript><svg><text>svg</text></svg>ok</main></body>",
]


def test_extraction_gives_what_the_beautifulsoup_tree_gave():
    pages = [page(["Premier paragraphe.", "Deuxième  paragraphe"], ["un", "deux"]),
             *(good_page(name) for name in (FR_2016, FR_2017, FR_2018_PART1, FR_2018_PART2, NL_2021_FULL)),
             *(two_part_page(order) for order in ("right", "reversed", "part 2 first")),
             two_part_page(with_part2=False), *TRICKY_PAGES]
    for html_text in pages:
        for data, encoding in [(html_text.encode("utf-8"), None), (html_text.encode("utf-8"), "utf-8")]:
            assert extract_texts(data, encoding) == bs4_texts(data, encoding), html_text[:80]
    latin1 = "<body><p>Déclaration été</p></body>".encode("latin-1")
    assert extract_texts(latin1, "iso-8859-1") == bs4_texts(latin1, "iso-8859-1") == ["Déclaration été"]


def test_extraction_closes_an_unclosed_head_at_the_body():
    # BeautifulSoup's tree put the body inside the unclosed head, and dropped it with the head
    assert extract_texts(b"<html><head><title>t</title><body><p>text</p></body>") == ["text"]


def test_extraction_time_is_linear():
    paragraphs = "<html><body><main>" + "".join(f"<p>paragraph {i}</p>" for i in range(20_000)) + "</main></body>"
    nested = "<html><body>" + "<div>x" * 40_000 + "</div>" * 40_000 + "</body></html>"
    unclosed_articles = "<html><body>" + "<article>x" * 40_000
    for html_text, lines in [(paragraphs, 20_000), (nested, 40_000), (unclosed_articles, 40_000)]:
        started = time.thread_time()  # CPU time: the cost of extracting, whatever else the machine runs
        texts = extract_texts(html_text.encode())
        elapsed = time.thread_time() - started
        assert elapsed < 5, f"{elapsed:.1f} s"
        assert max(text.count("\n") for text in texts) + 1 == lines
        print(f"{html_text[:20]}…: {elapsed:.2f} s")
    assert len(extract_texts(unclosed_articles.encode())) <= extract_module.MAX_CANDIDATES + 1


def test_extraction_of_unterminated_tags_is_linear_and_reads_them_as_text():
    # After the last '>' nothing can close a tag: html.parser alone took quadratic time there (60 kB: 37 s).
    for hostile in ["<body>" + "<a" * 400_000, "<body><a " + "x=1 " * 200_000, "<body>" + "<![" * 1000]:
        started = time.thread_time()  # CPU time: the cost of extracting, whatever else the machine runs
        texts = extract_texts(hostile.encode(), budget=5)
        assert time.thread_time() - started < 1.5
        assert texts == [hostile.removeprefix("<body>").strip()]
    times = []
    for size in (20_000, 80_000):  # four times the tags, about four times the time (not sixteen)
        started = time.thread_time()
        extract_texts(("<p>x" + "<a x" * size).encode(), budget=30)
        times.append(time.thread_time() - started)
    assert times[1] < 8 * times[0] + 0.05


def test_extraction_is_refused_over_its_budget_or_its_size(monkeypatch):
    with pytest.raises(errors_module.Refused, match=r"could not be read within 0.001 s"):
        extract_texts(("<p>paragraphe</p>" * 400_000).encode(), budget=0.001)
    monkeypatch.setattr(extract_module, "MAX_HTML_CHARS", 1000)
    with pytest.raises(errors_module.Refused, match=r"1,001 characters, more than the 1,000 read"):
        extract_texts(b"x" * 1001)


def test_deeply_nested_page_is_fetched(tmp_path, server):
    lines = lines_of(FR_2016)
    deep = page(lines[:-1] + [lines[-1] + " " + CONTINUATION[0]] + CONTINUATION[1:])
    deep = deep.replace("<article>", "<article>" + "<div>" * 40_000).replace("</article>", "</div>" * 40_000
                                                                             + "</article>")
    server.routes["/deep"] = lambda h, n: send(h, deep)
    folder = make_texts(tmp_path, server, {FR_2016: "/deep"})
    started = time.monotonic()
    row = only(run(folder))
    assert row["outcome"] == "fetched", row["reason"]
    assert time.monotonic() - started < 5
    assert read_text_file(folder / FR_2016)[1].endswith(CONTINUATION[-1])


def test_normalisation_and_opening_location():
    assert normalise("  « L’Union »\u00a0:\n\n  ok ") == '" L\'Union " : ok'
    page_text = "Menu\nTitre\nLe texte d'ici continue."
    assert page_text[locate_opening("Titre\n\nLe texte d’ici", page_text):] == "Titre\nLe texte d'ici continue."


def test_command_line_reports_and_sets_the_exit_status(tmp_path, capsys):
    from valduchesse.cli import main

    folder = tmp_path / "texts"
    folder.mkdir()
    shutil.copy(TEXTS / "2021-11-22_nl_sophiewilmes-be.txt", folder)
    assert main(["fetch", "--texts", str(folder), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "skipped" in out and "already a full text" in out and "1 skipped" in out
    broken = tmp_path / "hosts.yml"
    broken.write_text("hosts:\n  - http://example.org\n", encoding="utf-8")
    assert main(["fetch", "--texts", str(folder), "--allow-list", str(broken)]) == 2
    assert str(broken) in capsys.readouterr().err
    assert main(["fetch", "--texts", str(tmp_path / "nowhere")]) == 2
