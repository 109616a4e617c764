"""Explicit links: a learner who writes [[Node Embedding]] or #pytorch names a concept on purpose.

A link that names an ontology concept is a mention of it; any other link becomes a `linked`
concept with the same kind of id as discovered terms ("x:" + normalised name), so [[FAISS]] and a
discovered FAISS are one node.
"""

from __future__ import annotations

import re

from ..models import Block, ConceptSpec, Mention, Origin
from ..ontology import Ontology, normalize_name
from .terms import StopWords, discovered_spec, term_id

_DATE_OR_NUMBER = re.compile(r"^[\d\s\-./:년월일]+$")


def link_name(link: str) -> str:
    """The page or tag a link names: `[[Page#Heading|alias]]` → "Page", `#tag` → "tag"."""
    name = link.strip()
    if name.startswith("[[") and name.endswith("]]"):
        return name[2:-2].split("|", 1)[0].split("#", 1)[0].strip()
    return name.lstrip("#").strip()


def link_mentions(block: Block, note_text: str, segment_order: int, source: str, ontology: Ontology,
                  stop: StopWords) -> tuple[list[Mention], list[ConceptSpec]]:
    """Mentions for the block's links, located in the block text (the whole line when the link
    text cannot be found), plus specs for links that are not ontology names."""
    mentions: list[Mention] = []
    specs: list[ConceptSpec] = []
    used = 0
    for link in block.links:
        name = link_name(link)
        key = normalize_name(name)
        if not key or _DATE_OR_NUMBER.match(name):
            continue
        spec = ontology.lookup(name)
        origin: Origin
        if spec is not None:
            cid, origin = spec.id, "user" if spec.id in ontology.user_ids else "ontology"
        elif name in stop:
            continue
        else:
            new = discovered_spec(name)
            cid, origin = term_id(name), "linked"
            specs.append(new)
        # case-insensitive search on the text itself: casefold() can change the length ("ß" → "ss")
        pattern = re.compile(re.escape(name), re.IGNORECASE)
        found = pattern.search(block.text, used) or pattern.search(block.text)
        if found:
            start, end, used = block.start + found.start(), block.start + found.end(), found.end()
        else:
            start, end = block.start, block.end
        surface = note_text[start:end]
        mentions.append(Mention(concept_id=cid, surface=surface, source=source, segment_order=segment_order,
                                line=block.line, start=start, end=end, section=block.section, origin=origin,
                                evidence=block.text))
    return mentions, specs
