"""The HTML report: its index and pages, built from the committed notebooks, and shown in headless Chromium.

The browser tests need Debian's ``chromium`` and ``chromium-driver``
(``make browser``); they are skipped, saying so, where those are missing.
The site is served from a loopback HTTP server started by the tests.
"""

import os
import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import ROOT
from PIL import Image, ImageStat

from valduchesse.report import build_report
from valduchesse.runner import notebook_paths

NOTEBOOKS = notebook_paths(ROOT / "notebooks")
FIGURES = ROOT / "figures"
HEADLINE_NOTEBOOK = "04_themes_hand_coded"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROMIUM_ARGUMENTS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--window-size=1280,1000",
]
WAIT_SECONDS = 10
IMAGES_LOADED = """
const images = Array.from(document.images);
return document.readyState === 'complete' && images.length > 0
    && images.every(img => img.complete && img.naturalWidth > 0);
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The report of the committed notebooks and figures, built once for this module."""
    output = tmp_path_factory.mktemp("report")
    build_report(NOTEBOOKS, output, FIGURES)
    return output


# --- without a browser -----------------------------------------------------------------------------------------


def test_index_lists_notebooks_in_number_order_with_titles(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', index)
    assert [href for href, _ in links] == [f"{path.stem}.html" for path in NOTEBOOKS]
    for (_, title), path in zip(links, NOTEBOOKS):
        assert title.startswith(path.stem[:2] + " · "), title
        assert (site / f"{path.stem}.html").is_file()
    assert "<br>Which subjects does each Val Duchesse text speak of" in index
    assert (site / "figures" / "themes_by_meeting_hand_coded.png").read_bytes() == (FIGURES / "themes_by_meeting_hand_coded.png").read_bytes()


def test_notebook_order_does_not_depend_on_the_arguments(site, tmp_path):
    index = build_report(list(reversed(NOTEBOOKS[:2])), tmp_path, FIGURES)
    text = index.read_text(encoding="utf-8")
    assert text.index(NOTEBOOKS[0].stem) < text.index(NOTEBOOKS[1].stem)


def test_pages_have_no_external_scripts(site):
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text, page.name
        assert not re.search(r'\bsrc="https?:', text), page.name


def test_rebuilding_gives_identical_bytes(site, tmp_path):
    build_report(NOTEBOOKS, tmp_path, FIGURES)
    built = sorted(path.relative_to(site) for path in site.rglob("*") if path.is_file())
    rebuilt = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    assert built == rebuilt
    for name in built:
        assert (site / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_missing_notebook_is_named(tmp_path):
    missing = ROOT / "notebooks" / "99_missing.ipynb"
    with pytest.raises(ValueError, match="99_missing.ipynb"):
        build_report([NOTEBOOKS[0], missing], tmp_path / "out", FIGURES)


def test_missing_headline_figure_is_named(tmp_path):
    with pytest.raises(ValueError, match="no_such_figure.png"):
        build_report(NOTEBOOKS[:1], tmp_path / "out", FIGURES, headline="no_such_figure.png")


def test_no_notebooks_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no notebooks"):
        build_report([], tmp_path / "out", FIGURES)


# --- in headless Chromium ---------------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    """Serve files without logging every request to stderr."""

    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def server(site):
    """The base URL of a loopback HTTP server serving the report, shut down after the module."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def driver(tmp_path_factory):
    """Headless Debian Chromium through its chromedriver; never a driver downloaded by selenium-manager."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not os.access(path, os.X_OK)]
    if missing:
        pytest.skip(f"{', '.join(missing)} not found: install Debian's chromium and chromium-driver "
                    "(`make browser`, as root) to run the browser tests")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROMIUM_ARGUMENTS:
        options.add_argument(argument)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        browser.set_page_load_timeout(WAIT_SECONDS * 2)
        yield browser
    finally:
        browser.quit()


def open_and_wait(driver, url):
    """Load ``url`` and wait until the page is complete and every image on it is loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.execute_script(IMAGES_LOADED),
        message=f"{url}: not every image loaded within {WAIT_SECONDS} s",
    )


def image_sizes(driver):
    """The natural (width, height) of every image on the page."""
    return driver.execute_script("return Array.from(document.images, img => [img.naturalWidth, img.naturalHeight]);")


def assert_page_shown(driver, path):
    """The page has visible text, and a screenshot of it saved at ``path`` is not blank."""
    from selenium.webdriver.common.by import By

    assert driver.find_element(By.TAG_NAME, "body").text.strip(), f"{driver.current_url}: no visible text"
    assert driver.save_screenshot(str(path))
    with Image.open(path) as shot:
        rgb = shot.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 16)
        spread = max(ImageStat.Stat(rgb).stddev)
    assert colours is None or len(colours) > 10, f"{path.name}: only {len(colours)} colour(s)"
    assert spread > 5, f"{path.name}: nearly uniform (pixel standard deviation {spread:.1f})"


def test_index_in_browser(driver, server, tmp_path):
    from selenium.webdriver.common.by import By

    open_and_wait(driver, f"{server}/index.html")
    hrefs = [link.get_attribute("href") for link in driver.find_elements(By.CSS_SELECTOR, "main li a")]
    assert hrefs == [f"{server}/{path.stem}.html" for path in NOTEBOOKS]
    headline = driver.find_element(By.CSS_SELECTOR, "figure img")
    assert headline.get_attribute("alt")
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0;", headline)
    assert all(width > 0 and height > 0 for width, height in image_sizes(driver))
    assert_page_shown(driver, tmp_path / "index.png")


def test_headline_notebook_page_in_browser(driver, server, tmp_path):
    open_and_wait(driver, f"{server}/{HEADLINE_NOTEBOOK}.html")
    sizes = image_sizes(driver)
    assert sizes and all(width > 0 and height > 0 for width, height in sizes)
    assert driver.title.startswith("04 · Themes per meeting, hand-coded")
    assert_page_shown(driver, tmp_path / f"{HEADLINE_NOTEBOOK}.png")


def test_link_from_index_reaches_notebook_page(driver, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    open_and_wait(driver, f"{server}/index.html")
    driver.find_element(By.CSS_SELECTOR, f'a[href="{HEADLINE_NOTEBOOK}.html"]').click()
    WebDriverWait(driver, WAIT_SECONDS).until(expected_conditions.url_to_be(f"{server}/{HEADLINE_NOTEBOOK}.html"))
    WebDriverWait(driver, WAIT_SECONDS).until(lambda d: d.execute_script(IMAGES_LOADED))
    heading = driver.find_element(By.TAG_NAME, "h1").text
    assert heading.startswith("04 · Themes per meeting, hand-coded")
