"""ingest stage: note files in, `Note` models (segments ▸ sections ▸ blocks) out.

No spaCy or Kiwi here: reading notes must stay cheap.
"""

from .discover import discover
from .reader import load_notes, read_note

__all__ = ["discover", "load_notes", "read_note"]
