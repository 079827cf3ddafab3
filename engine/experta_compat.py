"""Make experta importable on Python 3.10 and later.

experta 1.9.4 pins frozendict 1.2, whose class statement uses `collections.Mapping`, an
alias that Python 3.10 removed (it lives in `collections.abc`). We restore that one alias
before importing experta, here and nowhere else, so the fix stays visible and testable.
Import experta only through this module.
"""

import collections
import collections.abc

if not hasattr(collections, "Mapping"):
    collections.Mapping = collections.abc.Mapping  # type: ignore[attr-defined]

import experta  # noqa: E402

__all__ = ["experta"]
