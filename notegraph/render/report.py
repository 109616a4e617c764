"""The weekly report as Markdown: days and their top concepts, what was new, what came back from
earlier weeks, the review list, and a link to the map.

Plain Markdown that reads the same on GitHub and in a Jekyll blog: no raw HTML, and every piece of
note text is escaped (Markdown specials, and braces so Liquid leaves `{{ }}` alone). Deterministic:
the same graph gives the same bytes.
"""

from __future__ import annotations

import re
from collections import defaultdict

import networkx as nx

from ..models import ReviewItem
from ..queries import day_nodes, match_week

TOP_CONCEPTS = 6
MAX_PER_KIND = 8
REPEATABLE_ONCE = {"due", "single-touch"}  # skip concepts an earlier kind listed
KIND_TITLES = {"question": "Open questions", "prerequisite": "Missing prerequisites",
               "due": "Due for review (forgetting curve)", "single-touch": "Seen only once",
               "cluster": "Unconnected topics", "syllabus": "Syllabus topics not covered yet"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|~])")


def escape_md(text: str) -> str:
    """Text safe to put inside a Markdown line: specials backslash-escaped, whitespace collapsed."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _concepts_of(G: nx.MultiDiGraph, day: str) -> list[tuple[str, int]]:
    rows = [(v, d.get("count", 1)) for _, v, k, d in G.out_edges(day, keys=True, data=True) if k == "covers"]
    return sorted(rows, key=lambda r: (-r[1], str(G.nodes[r[0]].get("label", r[0])).casefold()))


def _label(G: nx.MultiDiGraph, node: str) -> str:
    return escape_md(G.nodes[node].get("label", node))


def _day_title(G: nx.MultiDiGraph, day: str) -> str:
    d = G.nodes[day]
    date = f" ({d['date']})" if d.get("date") else ""
    return f"{escape_md(d.get('label', day))}{date}"


def _days_section(G: nx.MultiDiGraph, days: list[str]) -> list[str]:
    out = ["## Days", ""]
    for day in days:
        top = _concepts_of(G, day)
        names = ", ".join(f"{_label(G, n)} ×{c}" if c > 1 else _label(G, n) for n, c in top[:TOP_CONCEPTS])
        more = f" (+{len(top) - TOP_CONCEPTS} more)" if len(top) > TOP_CONCEPTS else ""
        questions = len(G.nodes[day].get("questions") or ())
        q = f"; {questions} open question{'s' if questions != 1 else ''}" if questions else ""
        out.append(f"- **{_day_title(G, day)}**: {names or 'no concepts found'}{more}{q}")
    return out + [""]


def _new_and_returning(G: nx.MultiDiGraph, days: list[str]) -> list[str]:
    chosen = set(days)
    first_day = G.nodes[days[0]].get("order", 0) if days else 0
    new: dict[str, list[str]] = defaultdict(list)
    back = []
    seen: set[str] = set()
    for day in days:
        for node, _ in _concepts_of(G, day):
            if node in seen:
                continue
            seen.add(node)
            data = G.nodes[node]
            first = data.get("first_seen")
            if first in chosen:
                new[str(data.get("category") or "other")].append(_label(G, node))
            elif first in G and G.nodes[first].get("order", 0) < first_day:
                back.append((G.nodes[first].get("order", 0), node, first))
    out = ["## New concepts", ""]
    if not new:
        out.append("No concept was new in this period.")
    for cat in sorted(new, key=str.casefold):
        out.append(f"- {escape_md(cat)}: {', '.join(sorted(new[cat], key=str.casefold))}")
    out += ["", "## Back from earlier weeks", ""]
    if G.graph.get("week") not in (None, "all"):
        out.append("Needs the whole-course graph (outputs/all/graph.json) to tell.")
    elif not back:
        out.append("Nothing came back from earlier weeks.")
    for _, node, first in sorted(back, key=lambda b: (b[0], str(G.nodes[b[1]].get("label")).casefold())):
        fd = G.nodes[first]
        week = f"{escape_md(fd['week'])}, " if fd.get("week") else ""
        out.append(f"- {_label(G, node)}: first seen on {escape_md(fd.get('label', first))} "
                   f"({week}{fd.get('date') or 'undated'})")
    return out + [""]


def _review_section(items: list[ReviewItem]) -> list[str]:
    """Grouped by kind, at most MAX_PER_KIND each; a concept already listed (e.g. due) is not
    repeated under a later kind (e.g. seen only once)."""
    out = ["## Review list", ""]
    if not items:
        return out + ["Nothing to review: no gaps found.", ""]
    by_kind: dict[str, list[ReviewItem]] = defaultdict(list)
    for it in items:
        by_kind[it.kind].append(it)
    listed: set[str] = set()
    for kind, group in by_kind.items():
        fresh = [it for it in group if kind not in REPEATABLE_ONCE or it.concept_id not in listed]
        if not fresh:
            continue
        out += [f"### {KIND_TITLES.get(kind, kind)}", ""]
        for it in fresh[:MAX_PER_KIND]:
            name = f"**{escape_md(it.concept)}**" if it.concept else "**open item**"
            also = f" (with {escape_md(', '.join(it.also))})" if it.also else ""
            out.append(f"- {name}{also}: {escape_md(it.why)}. {escape_md(it.action)}")
            for ev in it.evidence:
                where = f"{escape_md(it.day)}, " if it.day and kind == "question" else ""
                out.append(f"  - {where}{escape_md(ev.source)} line {ev.line}: “{escape_md(ev.text)}”")
        if len(fresh) > MAX_PER_KIND:
            out.append(f"- … and {len(fresh) - MAX_PER_KIND} more: run `notegraph gaps --kind {kind}`")
        listed |= {it.concept_id for it in group if it.concept_id}
        out.append("")
    return out


def render_report(G: nx.MultiDiGraph, week: str | None, items: list[ReviewItem], map_href: str) -> str:
    """The report for `week` (None: every day in G) as Markdown. Pass the whole-course graph, so
    concepts that came back from earlier weeks can be told apart from new ones."""
    wk = match_week(G, week) if week else None
    days = [d for d in day_nodes(G) if wk is None or G.nodes[d].get("week") == wk]
    dates = sorted(str(G.nodes[d]["date"]) for d in days if G.nodes[d].get("date"))
    concepts = {n for d in days for n, _ in _concepts_of(G, d)}
    title = f"Study report: {escape_md(wk)}" if wk else "Study report: all weeks"
    span = f"{dates[0]} to {dates[-1]}, " if dates else ""
    lines = [f"# {title}", "",
             f"{span}{len(days)} day{'s' if len(days) != 1 else ''}, {len(concepts)} concepts. "
             f"[Open the concept map]({map_href.replace(' ', '%20').replace(')', '%29')})", ""]
    lines += _days_section(G, days)
    lines += _new_and_returning(G, days)
    lines += _review_section(items)
    return "\n".join(lines).rstrip() + "\n"
