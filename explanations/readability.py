"""LIX, the Swedish readability index (Björnsson 1968), of every Swedish user-facing text.

LIX = words / sentences + 100 × long words / words, where a long word has more than six
letters. Below 30: very easy; 30–40: easy (children's books, fiction); 40–50: medium (daily
papers); 50–60: difficult (official texts); above 60: very difficult (legal and academic).
`vagvisare check --readability` lists every text above `LIMIT` and the median of each kind.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from engine.model import KnowledgeBase

#: Texts above this are flagged.
LIMIT = 55
#: The median of questions and help texts should be at most this.
TARGET_MEDIAN = 45

_WORD = re.compile(r"[A-Za-zÅÄÖåäöÉéÜü]+(?:[-'][A-Za-zÅÄÖåäöÉéÜü]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)|\n+")


def lix(text: str) -> float:
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len([s for s in _SENTENCE_END.split(text) if _WORD.search(s)]))
    long_words = sum(1 for w in words if len(w.replace("-", "")) > 6)
    return len(words) / sentences + 100 * long_words / len(words)


@dataclass(frozen=True)
class Reading:
    kind: str  # question, help, because, recommendation
    owner: str  # the question or rule id
    origin: str  # file:line
    text: str
    lix: float


def readings(kb: KnowledgeBase) -> list[Reading]:
    out = []
    for q in kb.questions.values():
        out.append(Reading("question", q.id, str(q.origin), q.text.sv, lix(q.text.sv)))
        if q.help is not None:
            out.append(Reading("help", q.id, str(q.origin), q.help.sv, lix(q.help.sv)))
    for r in kb.rules.values():
        out.append(Reading("because", r.id, str(r.origin), r.because.sv, lix(r.because.sv)))
        for rec in r.recommend:
            out.append(Reading("recommendation", rec.id, str(r.origin), rec.text.sv, lix(rec.text.sv)))
    return out


def medians(items: list[Reading]) -> dict[str, float]:
    kinds: dict[str, list[float]] = {}
    for item in items:
        kinds.setdefault(item.kind, []).append(item.lix)
    out = {k: statistics.median(v) for k, v in kinds.items()}
    both = [i.lix for i in items if i.kind in ("question", "help")]
    if both:
        out["questions and help"] = statistics.median(both)
    return out
