"""Error text → parsed facts → one category with evidence and ordered fixes.

`parse` reads the facts a pasted error states (status, code, type, param, the model as written,
the provider, the runtime's exception) in one linear pass; `classify` decides a category from those
facts and from message families written as meaning (its tables are data); `engine` concludes, asking
the judgment for model-level categories, and `fixes` gives the ordered fixes of each category.
"""

from __future__ import annotations

from .classify import LiveFacts
from .engine import diagnose, diagnose_offline

__all__ = ["LiveFacts", "diagnose", "diagnose_offline"]
