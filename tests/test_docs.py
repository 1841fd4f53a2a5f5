"""The API reference page, opened in a real headless browser (Debian's chromium): every operation, every
error code and the signing rules are on the rendered page. Run by `nox -s docs` after it builds the page
(marker `docs`; `.ci/run` installs chromium)."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

import pytest

from tools import docs, samples

from .spec_support import load_spec

pytestmark = pytest.mark.docs
PAGE = Path(os.environ.get("BITGET_DOCS_PAGE", str(docs.OUT)))


def _chromium() -> str:
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome"):
        if name and (found := shutil.which(name)):
            return found
    pytest.fail("no chromium on PATH: install Debian's chromium (apt-get install chromium), as .ci/run does")


@cache
def rendered() -> str:
    """The page's DOM after its scripts ran (the browser's, not the file's), as text with tags stripped."""
    assert PAGE.exists(), f"{PAGE} is missing: build it with `nox -s docs` (python tools/docs.py)"
    with tempfile.TemporaryDirectory() as profile:
        out = subprocess.run(
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=20000",
                "--dump-dom",
                PAGE.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        )
    return out.stdout


def _text(dom: str) -> str:
    no_scripts = re.sub(r"<(script|style)\b.*?</\1>", " ", dom, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", no_scripts))


def test_the_browser_rendered_the_page() -> None:
    dom = rendered()
    assert "<html" in dom.lower()
    spec = load_spec()
    assert spec["info"]["title"] in _text(dom)


def test_every_operation_is_on_the_page() -> None:
    dom, text = rendered(), _text(rendered())
    for _method, path, op in docs.operations(load_spec()):
        assert f"operation/{op['operationId']}" in dom, op["operationId"]
        assert op["summary"] in text, op["summary"]
        assert path in text, path


def test_every_error_code_is_on_the_page() -> None:
    text = _text(rendered())
    codes = docs.error_codes(load_spec())
    assert len(codes) > 10
    for entry in codes:
        assert re.search(rf"\b{re.escape(str(entry['code']))}\b", text), entry["code"]
        assert str(entry["message"]) in text, entry["message"]


def test_the_signing_section_is_on_the_page() -> None:
    text = _text(rendered())
    spec = load_spec()
    assert "Authentication and signing" in text
    assert "Signing rules (x-signing)" in text
    assert spec["x-signing"]["prehash"] in text
    for header in ("ACCESS-KEY", "ACCESS-SIGN", "ACCESS-TIMESTAMP", "ACCESS-PASSPHRASE"):
        assert header in text


def test_every_operation_has_python_typescript_and_go_samples_on_the_page() -> None:
    """Redoc's right-hand panel shows `x-codeSamples` as tabs, one per language, for every operation; a
    GET (no request payload) opens on its Python tab, whose highlighted call is on the page."""
    dom = rendered()
    spec = load_spec()
    found = samples.code_samples(spec)
    assert set(found) == {op["operationId"] for _m, _p, op in docs.operations(spec)}
    for language in ("Python", "TypeScript", "Go"):
        tabs = re.findall(rf'<li[^>]*class="react-tabs__tab[^"]*"[^>]*>{language}</li>', dom)
        assert len(tabs) == len(found), language
    shown = re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S | re.I)  # not the contract's JSON
    code = html.unescape(re.sub(r"<[^>]+>", "", shown))  # the highlighted samples' tokens joined again
    for method, _path, op in docs.operations(spec):
        if method == "GET":
            assert f"client.{samples.snake(op['operationId'])}(" in code, op["operationId"]
