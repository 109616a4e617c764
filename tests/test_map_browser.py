"""The concept map in a real browser (Debian's headless Chromium driven by Playwright), offline.

Every page is opened from a file with all other requests aborted, and each test checks that none
was even attempted; console errors fail the test. Graph builders come from tests/test_map.py.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from notegraph.render.map import render_map

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium fonts-noto-cjk", allow_module_level=True)
from playwright import sync_api  # noqa: E402  (a test dependency: missing it is an error, not a skip)


def _fixtures():
    spec = importlib.util.spec_from_file_location("notegraph_map_fixtures", Path(__file__).with_name("test_map.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fx = _fixtures()


@dataclass
class MapPage:
    page: object
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expr: str, arg: object = None):
        return self.page.evaluate(expr, arg)

    def visible(self) -> set[str]:
        return set(self.js("window.notegraph.visibleIds()"))

    def node_point(self, node: str) -> tuple[float, float]:
        """Page coordinates of a node's centre."""
        x, y = self.js("id => { const n = window.notegraph.network; const p = n.canvasToDOM(n.getPosition(id));"
                       " return [p.x, p.y]; }", node)
        box = self.page.locator("#ng-network").bounding_box()
        return box["x"] + x, box["y"] + y

    def panel_text(self) -> str:
        return self.page.locator("#ng-panel").inner_text()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def realistic_map(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("map")
    return render_map(fx.realistic_graph(), folder / "concept_map.html", title="부캠 1–2주차 · all",
                      layout_file=folder / "layout.json")


def open_map(browser: object, path: Path) -> Iterator[MapPage]:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    mp = MapPage(page)
    file_url = path.as_uri()

    def route(r: object) -> None:
        mp.requests.append(r.request.url)
        if r.request.url == file_url:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: mp.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: mp.errors.append(str(e)))
    page.on("dialog", lambda d: (mp.dialogs.append(d.message), d.dismiss()))
    page.goto(file_url)
    page.wait_for_function("window.notegraph && window.notegraph.ready", timeout=60_000)
    yield mp
    assert mp.requests == [file_url], "the page asked for something besides itself"
    assert not mp.errors
    page.close()


@pytest.fixture
def mp(browser: object, realistic_map: Path) -> Iterator[MapPage]:
    yield from open_map(browser, realistic_map)


def test_page_loads_offline_and_draws_everything(mp: MapPage, tmp_path: Path) -> None:
    visible = mp.visible()
    assert sum(v.startswith("concept:") for v in visible) == 54
    assert sum(v.startswith("day:") for v in visible) == 8
    assert mp.page.locator("#ng-stats").inner_text() == "54 concepts · 8 days · showing 54"
    # legend: one row per category, with its count
    assert "graph learning" in mp.page.locator("#ng-categories").inner_text()
    shot = tmp_path / "concept_map.png"
    mp.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000


@pytest.mark.parametrize(("query", "node", "label"), [
    ("노드 임베딩", "concept:node-embedding", "node embedding"),
    ("노드임베딩", "concept:node-embedding", "node embedding"),
    ("GNN", "concept:gnn", "GNN"),
    ("gnn", "concept:gnn", "GNN"),
    ("그래프 신경망", "concept:gnn", "GNN"),
    ("Binary Cross-Entropy", "concept:binary-cross-entropy", "binary cross entropy"),
])
def test_search_finds_any_alias_and_focuses_the_node(mp: MapPage, query: str, node: str, label: str) -> None:
    box = mp.page.locator("#ng-search")
    box.fill(query)
    first = mp.page.locator("#ng-results li").first
    assert first.get_attribute("data-id") == node
    box.press("Enter")
    assert mp.js("window.notegraph.network.getSelectedNodes()") == [node]
    assert mp.page.locator("#ng-panel h2").inner_text() == label
    # once the focus animation ends the node sits in the middle of the canvas left uncovered by the panel
    mp.page.wait_for_function(
        """id => { const n = window.notegraph.network, p = n.canvasToDOM(n.getPosition(id));
                   const c = document.getElementById("ng-network"), w = document.getElementById("ng-panel");
                   return Math.abs(p.x - (c.clientWidth - w.offsetWidth) / 2) < 3
                       && Math.abs(p.y - c.clientHeight / 2) < 3; }""", arg=node, timeout=5_000)


def test_clicking_a_concept_opens_its_panel_with_its_days(mp: MapPage) -> None:
    x, y = mp.node_point("concept:gnn")
    mp.page.mouse.click(x, y)
    assert mp.page.locator("#ng-panel").is_visible()
    assert mp.page.locator("#ng-panel h2").inner_text() == "GNN"
    days = mp.page.locator("#ng-panel .ng-day-label").all_inner_texts()
    assert days == ["5일차", "1주차 후기", "6일차", "7일차"]
    text = mp.panel_text()
    assert "GNN의 3가지 종류를 소개하고" in text and "week02.md:" in text
    assert "open question" in text and "due" in text  # review status from the review stage
    assert "node embedding" in text and "link prediction" in text  # prerequisite / leads to
    # the rest of the map fades so GNN's own links stand out
    opacity = "id => window.notegraph.nodes.get(id).opacity"
    assert mp.js(opacity, "concept:cpu") < 0.5
    assert mp.js(opacity, "concept:node-embedding") in (None, 1)
    # closing the panel restores every node exactly (size and colour of its label too)
    fonts = "() => window.notegraph.nodes.get().map(n => [n.id, n.font || {}, n.opacity || 1])"
    dimmed = mp.js(fonts)
    mp.page.click("#ng-close")
    restored = mp.js(fonts)
    written = mp.js("() => JSON.parse(document.getElementById('ng-data').textContent).nodes"
                    ".map(n => [n.id, n.font || {}, 1])")
    def with_colour(rows: list) -> list:
        return [[i, {"color": "#1f2937", **f}, o] for i, f, o in rows]
    assert with_colour(restored) == with_colour(written) != with_colour(dimmed)
    x, y = mp.node_point("concept:gnn")
    mp.page.mouse.click(x, y)
    # a related concept in the panel is a link to that concept
    mp.page.locator("#ng-panel .ng-chip-link", has_text="node embedding").first.click()
    assert mp.page.locator("#ng-panel h2").inner_text() == "node embedding"


def test_hover_shows_days_and_evidence_as_text(mp: MapPage) -> None:
    x, y = mp.node_point("concept:attention")
    mp.page.mouse.move(x - 40, y - 40)
    mp.page.mouse.move(x, y)
    tip = mp.page.locator(".ng-hover")
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.inner_text()
    assert "attention" in text and "6일차" in text and "7일차" in text
    assert "어텐션 메커니즘이 결국 가중 평균" in text


def test_week_filter_hides_other_weeks(mp: MapPage) -> None:
    mp.page.select_option("#ng-week", "week02")
    visible = mp.visible()
    assert {"concept:transformer", "concept:gnn", "day:week02.md#0", "day:week02.md#1"} <= visible
    assert "concept:tensor" not in visible and "concept:jekyll" not in visible
    assert not any(v.startswith("day:000_") for v in visible)
    mp.page.select_option("#ng-week", "")
    assert "concept:tensor" in mp.visible()


def test_day_range_category_and_day_toggle(mp: MapPage) -> None:
    mp.page.select_option("#ng-from", "1")
    mp.page.select_option("#ng-to", "1")  # 2일차 only
    visible = mp.visible()
    assert "concept:tensor.view" in visible and "concept:gnn" not in visible
    mp.page.click("#ng-reset")
    mp.page.locator("#ng-categories label", has_text="graph learning").locator("input").uncheck()
    visible = mp.visible()
    assert "concept:gnn" not in visible and "concept:transformer" in visible
    mp.page.uncheck("#ng-show-days")
    assert not any(v.startswith("day:") for v in mp.visible())


def test_note_text_stays_inert(browser: object, tmp_path: Path) -> None:
    evil = "- <script>alert(1)</script> GNN <img src=x onerror=alert(2)> </script><!-- \"'&\n"
    G = fx.realistic_graph(extra_note=evil)
    G.nodes["concept:gnn"]["review"] = ["<img src=y onerror=alert(3)>"]
    path = render_map(G, tmp_path / "evil.html", title="<img src=z onerror=alert(4)>")
    for mp in open_map(browser, path):
        x, y = mp.node_point("concept:gnn")
        mp.page.mouse.move(x, y)
        mp.page.locator(".ng-hover").wait_for(state="visible", timeout=5_000)
        mp.page.mouse.click(x, y)
        mp.page.locator("#ng-search").fill("alert")
        mp.page.wait_for_timeout(200)
        assert mp.dialogs == []
        assert mp.js("document.querySelectorAll('img').length") == 0
        assert mp.js("document.scripts.length") == 3
        assert "<script>alert(1)</script>" in mp.panel_text()  # shown as text
        assert "<img src=y onerror=alert(3)>" in mp.panel_text()
        assert mp.page.title() == "<img src=z onerror=alert(4)>"


def count_concepts(mp: MapPage) -> int:
    return sum(v.startswith("concept:") for v in mp.visible())


def test_large_map_shows_the_top_concepts_and_more_on_demand(browser: object, tmp_path: Path) -> None:
    G = fx.synthetic_graph(2000, 6000, n_days=60)
    path = render_map(G, tmp_path / "big.html", title="all", max_concepts=500)
    for mp in open_map(browser, path):
        assert mp.js("window.notegraph.firstPaintMs") < 20_000  # generous: CI machines are shared
        assert count_concepts(mp) == 500 and not any(v.startswith("day:") for v in mp.visible())
        mp.page.click("#ng-more")
        assert count_concepts(mp) == 1000
        rare = next(c for c in sorted(G.nodes) if c.startswith("concept:")
                    and mp.js("id => !window.notegraph.visibleIds().includes(id)", c))
        mp.page.locator("#ng-search").fill(G.nodes[rare]["aliases"][0])
        mp.page.locator("#ng-search").press("Enter")
        assert rare in mp.visible()
        assert mp.js("window.notegraph.network.getSelectedNodes()") == [rare]
