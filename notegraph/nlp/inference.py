"""Concepts described but not named: "휴먼 피드백" + "보상 모델" + "강화 학습" in one day is RLHF.

Rules are data (data/inference.yaml → `Ontology.rules`). An inferred mention points at the words
that triggered it (one mention per triggering line), so the map can show why it is there.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import InferenceRule, Mention


def infer(mentions: Sequence[Mention], rules: Sequence[InferenceRule]) -> list[Mention]:
    """Inferred mentions for one segment (day), given the concepts named in it. Rules run in
    order, so a concept inferred by one rule can satisfy a later rule."""
    present = list(mentions)
    out: list[Mention] = []
    for rule in rules:
        if rule.unless_named and any(m.concept_id == rule.concept for m in present):
            continue
        for unit in _units(present, rule.scope):
            triggers = _triggers(unit, rule)
            if triggers is None:
                continue
            seen_lines: set[int] = set()
            for m in sorted(triggers, key=lambda m: (m.start, m.end)):
                if m.line in seen_lines:
                    continue
                seen_lines.add(m.line)
                out.append(m.model_copy(update={"concept_id": rule.concept, "origin": "inferred"}))
            present += out[len(out) - len(seen_lines):]
    return sorted(out, key=lambda m: (m.start, m.end, m.concept_id))


def _units(mentions: list[Mention], scope: str) -> list[list[Mention]]:
    if scope == "segment":
        return [mentions] if mentions else []
    groups: dict[object, list[Mention]] = {}
    for m in mentions:
        groups.setdefault(m.line if scope == "block" else m.section, []).append(m)
    return list(groups.values())


def _triggers(unit: list[Mention], rule: InferenceRule) -> list[Mention] | None:
    """One mention per rule group (the first in reading order), or None when a group is missing."""
    chosen: list[Mention] = []
    for group in rule.all_of:
        hits = [m for m in unit if m.concept_id in group]
        if not hits:
            return None
        chosen.append(min(hits, key=lambda m: (m.start, m.end)))
    return chosen
