"""The analysis cache: what a build read is kept in the process, but only while its file stands."""

from __future__ import annotations

import os

from notegraph.cache import AnalysisCache

try:
    from .test_queries import WEEK1, make_analysis, small_ontology
except ImportError:
    from test_queries import WEEK1, make_analysis, small_ontology


def _hashed(analysis):
    note = analysis.note.model_copy(update={"sha256": "ab" * 32})
    return analysis.model_copy(update={"note": note})


def test_a_kept_analysis_is_used_only_while_its_file_is_unchanged(tmp_path):
    a = _hashed(make_analysis("week1.md", WEEK1, small_ontology()))
    cache = AnalysisCache(tmp_path, "v1")
    cache.put(a)
    assert AnalysisCache(tmp_path, "v1").get(a.note) == a  # kept in the process, same analysis
    assert AnalysisCache(tmp_path, "v2").get(a.note) is None  # another version is another key
    path = tmp_path / f"{cache.key(a.note)}.json"
    path.write_text("{damaged", encoding="utf-8")
    assert AnalysisCache(tmp_path, "v1").get(a.note) is None  # a damaged file is recomputed
    cache.put(a)
    os.remove(path)
    assert AnalysisCache(tmp_path, "v1").get(a.note) is None  # so is a deleted one


def test_prune_forgets_what_this_build_did_not_use(tmp_path):
    a = _hashed(make_analysis("week1.md", WEEK1, small_ontology()))
    AnalysisCache(tmp_path, "v1").put(a)
    AnalysisCache(tmp_path, "v1").prune()  # a build without this note
    assert not list(tmp_path.glob("*.json"))
    assert AnalysisCache(tmp_path, "v1").get(a.note) is None
