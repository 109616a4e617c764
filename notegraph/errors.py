"""Errors a user can act on. The CLI turns each into a one-paragraph message and an exit code;
nothing below the CLI prints or exits."""

from __future__ import annotations

from pathlib import Path


class NotegraphError(Exception):
    """Base of every error notegraph raises on purpose. `exit_code` 1 = user error."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None,
                 hint: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class NoNotesFound(NotegraphError):
    """No readable note under the given paths."""


class NoteDecodeError(NotegraphError):
    """A file that is not text in any encoding we know."""


class NoteReadError(NotegraphError):
    """A file that exists but cannot be read (permissions, broken link, too large)."""


class OntologyError(NotegraphError):
    """The ontology or the user's concepts.yaml is malformed (duplicate ids, conflicting aliases)."""


class GraphNotFound(NotegraphError):
    """A query command was pointed at a graph.json that does not exist or is not ours."""


class UnknownConcept(NotegraphError):
    """A query named a concept the graph does not hold; `suggestions` are the closest names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = "did you mean: " + ", ".join(suggestions) if suggestions else "run `notegraph concepts` to list them"
        super().__init__(f"no concept called {name!r} in this graph", hint=hint)


class OutputError(NotegraphError):
    """The output folder cannot be written, or holds files notegraph did not write."""
