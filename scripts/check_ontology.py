"""Print every validity problem of the package ontology (duplicate ids, names on two concepts,
unknown categories/prerequisites) and the concept count per file. Exit 1 when there are problems."""

import sys

from notegraph.models import CategorySpec
from notegraph.ontology import DATA, _parse_concepts, _read_yaml, package_files, validate

cats = {}
for e in _read_yaml(DATA / "categories.yaml", "categories"):
    e = {k: tuple(v) if isinstance(v, list) else v for k, v in e.items()}
    cats[e["id"]] = CategorySpec(**e)
specs = []
for f in package_files():
    got = _parse_concepts(_read_yaml(f, "ontology"), f)
    print(f"{f.name}: {len(got)} concepts")
    specs += got
problems = validate(specs, cats)
for p in problems:
    print("PROBLEM:", p)
print(f"total {len(specs)} concepts, {len(problems)} problems")
sys.exit(1 if problems else 0)
