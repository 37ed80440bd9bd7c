"""Real-browser check of the built documentation (``docs/_build/html``), page by page.

Opens every page in Debian's headless Chromium at 1,400 x 900 px and checks what a reader sees:
the header's links on one line, every title inside the page's width, no test markers
(``NBVAL_...``) in the text, every image loaded, nothing fetched from outside the site (no widget
JavaScript from a CDN), and on the notebook pages the dashboard drawn from its stored state
(``docs/_ext/static_notebooks.py``) with its chart. Screenshots go to ``artifacts/docs-*.png``.
Exits non-zero, listing every problem, on failure.

Build the site first, then run from the repository root::

    sphinx-build -W --keep-going -q -b html docs docs/_build/html
    python .ci/docs_check.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from browser_support import CHROMIUM, CheckFailed, chromium_page

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
ARTIFACTS = ROOT / "artifacts"
VIEWPORT = {"width": 1400, "height": 900}
# (page, what to screenshot: None for the top of the page, or a CSS selector)
SCREENSHOTS = {
    "index.html": ("docs-index.png", None),
    "api/generated/pinpoint_kpi_pandas.accessor.PinpointAccessor.html": ("docs-api.png", None),
    "notebooks/02_comparing_campaigns.html": ("docs-dashboard.png", ".ppk-static-widget"),
}

MEASURE_JS = """() => {
  const links = [...document.querySelectorAll('.bd-header .navbar-nav > li')]
    .filter(e => e.offsetParent !== null);
  const tops = links.map(e => e.getBoundingClientRect().top);
  const header = document.querySelector('.bd-header');
  const article = document.querySelector('.bd-article');
  const right = article ? article.getBoundingClientRect().right : window.innerWidth;
  const titles = [...document.querySelectorAll('.bd-article h1')].filter(h =>
    h.scrollWidth > h.clientWidth + 1 || h.getBoundingClientRect().right > right + 1)
    .map(h => h.innerText);
  const broken = [...document.images].filter(i => !i.complete || i.naturalWidth === 0)
    .map(i => (i.getAttribute('src') || '').slice(0, 60));
  const widgets = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]').length;
  const drawn = [...document.querySelectorAll('.ppk-static-widget')].map(w => {
    const img = w.querySelector('img');
    return img ? img.naturalWidth : 0;
  });
  return {
    header: header ? Math.round(header.getBoundingClientRect().height) : 0,
    spread: tops.length ? Math.max(...tops) - Math.min(...tops) : 0, titles, broken, widgets,
    drawn,
    markers: document.body.innerText.includes('NBVAL_'),
  };
}"""


def problems_on(page, name: str) -> list[str]:
    seen = page.evaluate(MEASURE_JS)
    found = []
    # one line: the links' tops within a few pixels (the dropdown sits 1 px higher)
    if seen["spread"] > 8 or seen["header"] > 80:
        found.append(
            f"header wraps ({seen['spread']:.0f} px between links, {seen['header']} px high)"
        )
    found += [f"title cut off: {t!r}" for t in seen["titles"]]
    found += [f"image not loaded: {src}" for src in seen["broken"]]
    if seen["markers"]:
        found.append("a test marker (NBVAL_...) is shown")
    if seen["widgets"]:
        found.append(f"{seen['widgets']} widget views need JavaScript the page does not have")
    if name.startswith("notebooks/02") and not any(seen["drawn"]):
        found.append("the dashboard is not drawn (no static widget with a chart)")
    return [f"{name}: {p}" for p in found]


def check() -> list[str]:
    pages = sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html"))
    pages = [p for p in pages if not p.startswith(("_", "genindex", "search", "py-modindex"))]
    if not pages:
        raise CheckFailed(f"no pages under {SITE}: build the docs first")
    problems: list[str] = []
    outside: set[str] = set()
    with chromium_page(VIEWPORT) as page:
        page.set_default_timeout(15_000)
        page.on(
            "request",
            lambda r: outside.add(r.url) if not r.url.startswith(("file:", "data:")) else None,
        )
        for name in pages:
            page.goto((SITE / name).as_uri(), wait_until="load")
            problems += problems_on(page, name)
            if name in SCREENSHOTS:
                file, selector = SCREENSHOTS[name]
                target = ARTIFACTS / file
                if selector and page.locator(selector).count():
                    page.locator(selector).first.screenshot(path=str(target))
                else:
                    page.screenshot(path=str(target))
    problems += [f"fetched from outside the site: {url}" for url in sorted(outside)[:5]]
    print(f"  ok  {len(pages)} pages opened at {VIEWPORT['width']} px")
    return problems


def main() -> int:
    started = time.monotonic()
    if not Path(CHROMIUM).exists():
        print(f"docs check FAILED: no Chromium at {CHROMIUM} (apt-get install chromium)")
        return 1
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        problems = check()
    except CheckFailed as exc:
        print(f"docs check FAILED: {exc}")
        return 1
    if problems:
        print("docs check FAILED:\n  " + "\n  ".join(problems))
        return 1
    shots = ", ".join(f"artifacts/{file}" for file, _ in SCREENSHOTS.values())
    print(f"  ok  header on one line, titles fit, no test markers, images loaded; {shots}")
    print(f"docs check passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
