"""The library API that the CLI wraps: every exported name resolves, and reading a graph loads
none of the heavy NLP or rendering packages."""

from __future__ import annotations

import importlib
import subprocess
import sys

import notegraph


def test_every_exported_name_resolves():
    importlib.import_module("notegraph.review")  # a loaded submodule must not shadow an exported function

    for name in notegraph.__all__:
        assert callable(getattr(notegraph, name)), name


def test_querying_a_graph_loads_no_nlp_or_render_package(reference_build):
    code = (
        "import sys, notegraph\n"
        f"G = notegraph.load_graph({str(reference_build / 'all' / 'graph.json')!r})\n"
        "hits = notegraph.days_covering(G, '노드 임베딩')\n"
        "items = notegraph.gaps(G)\n"
        "assert [h.label for h in hits] == ['5일차'], hits\n"
        "assert items\n"
        "print(sorted(m for m in ('spacy', 'kiwipiepy', 'pyvis') if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
