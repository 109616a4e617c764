"""render_report: the weekly Markdown report, safe on GitHub and in a Jekyll blog."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt

from notegraph.graph import build_graph
from notegraph.render.report import escape_md, render_report
from notegraph.review import review

try:
    from .test_queries import WEEK1, WEEK2, make_analysis, small_ontology
except ImportError:
    from test_queries import WEEK1, WEEK2, make_analysis, small_ontology

TRICKY = "view()가 헷갈린다 <b>왜</b> {{ site.title }} *이유* [링크](http://x) | a_b"


@pytest.fixture(scope="module")
def onto():
    return small_ontology()


@pytest.fixture(scope="module")
def G(onto):
    week2 = [*WEEK2, ("6일차", "2024-03-13", "week02", ["## 후기", f"- {TRICKY}"])]
    return build_graph([make_analysis("week1.md", WEEK1, onto), make_analysis("week2.md", week2, onto)], onto)


def test_week_report_days_new_returning_review_and_map(G):
    items = review(G, week="2")
    md = render_report(G, "2", items, "../week02/concept_map.html")
    assert md.startswith("# Study report: week02\n")
    assert "2024-03-11 to 2024-03-13, 3 days" in md
    assert "- **4일차 (2024-03-11)**: backpropagation, MLP, tensor, view" in md
    assert "- **5일차 (2024-03-12)**: logistic regression ×3, sigmoid" in md
    new = md.split("## New concepts")[1].split("##")[0]
    assert "backpropagation" in new and "tensor" not in new
    back = md.split("## Back from earlier weeks")[1].split("##")[0]
    assert "- tensor: first seen on 1일차 (week01, 2024-03-04)" in back
    assert "backpropagation" not in back
    assert "### Open questions" in md and "### Missing prerequisites" in md and "**chain rule**" in md
    assert "[Open the concept map](../week02/concept_map.html)" in md
    assert md == render_report(G, "2", items, "../week02/concept_map.html")  # deterministic


def test_note_text_is_escaped_no_raw_html_or_liquid(G):
    md = render_report(G, "week02", review(G, week="week02"), "concept_map.html")
    assert TRICKY not in md and "{{" not in md and not re.search(r"(?<!\\)<[a-zA-Z/]", md)
    tokens = MarkdownIt("commonmark").enable("table").parse(md)
    assert not [t for t in tokens if t.type.startswith("html")]
    inline = [c for t in tokens if t.type == "inline" for c in t.children or []]
    assert not any(c.type.startswith("html") or c.type == "link_open" and "http://x" in str(c.attrs)
                   for c in inline)
    text = "".join(c.content for c in inline if c.type == "text")
    assert "<b>왜</b>" in text and "{{ site.title }}" in text and "*이유*" in text


def test_escape_md_collapses_whitespace_and_escapes_specials():
    assert escape_md("a  *b*\n_c_ [d]") == r"a \*b\* \_c\_ \[d\]"


def test_week_graph_alone_cannot_tell_what_came_back(onto):
    G_week = build_graph([make_analysis("week1.md", WEEK1, onto), make_analysis("week2.md", WEEK2, onto)],
                         onto, week="week02")
    md = render_report(G_week, "week02", [], "concept_map.html")
    assert "Needs the whole-course graph" in md and "Nothing to review" in md
