"""What a statement is about, apart from its wording: its values and its qualifiers.

The rules (`rules.py`) compare attitudes, polarity and content words. This module adds
the parts of a statement that decide whether two statements speak of the same thing at
all:

* **values**: numbers and times that measure the belief ("runs 5 km", "wakes at 6am",
  "has two kids"), how often ("daily", "twice a week", "rarely"). Two different values
  for the same thing cannot both hold: never SAME, and OPPOSITE when nothing else differs.
* **identifiers**: numbers that name a thing ("topic 7", "Python 3", "level 2"): a
  different identifier is a different thing, so DISTINCT.
* **qualifiers**: what follows "when", "while", "about", "for", "during", "at", "in"…:
  the context, topic, audience or time a belief is restricted to. Statements with
  different qualifiers are different beliefs, even with opposite-looking words
  ("long explanations when debugging" / "short explanations when browsing docs").

Everything here is pure and cached per statement.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.merge import lexicon
from service.domain.merge.text import LEXICON, same_family, stem, stemmed_words, words

_NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "hundred": 100,
    "couple": 2,
    "both": 2,
    "dozen": 12,
    "single": 1,
    "once": 1,
    "twice": 2,
    "thrice": 3,
}
# How many times per week a period word means.
_PERIODS = {
    "second": 604800.0,
    "minute": 10080.0,
    "hour": 168.0,
    "hourly": 168.0,
    "day": 7.0,
    "daily": 7.0,
    "night": 7.0,
    "nightly": 7.0,
    "morning": 7.0,
    "evening": 7.0,
    "weekday": 5.0,
    "week": 1.0,
    "weekly": 1.0,
    "weekend": 1.0,
    "fortnight": 0.5,
    "biweekly": 0.5,
    "month": 12 / 52,
    "monthly": 12 / 52,
    "quarter": 4 / 52,
    "quarterly": 4 / 52,
    "year": 1 / 52,
    "yearly": 1 / 52,
    "annually": 1 / 52,
    "annual": 1 / 52,
    **dict.fromkeys(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"], 1.0
    ),
}
_RATE_ADJECTIVES = frozenset(
    ["hourly", "daily", "nightly", "weekly", "biweekly", "monthly", "quarterly", "yearly"]
)
# How often, as an ordinal; "never" is a negator and is left to the rules.
_FREQUENCY = {
    "always": 5,
    "constantly": 5,
    "invariably": 5,
    "usually": 4,
    "mostly": 4,
    "generally": 4,
    "normally": 4,
    "typically": 4,
    "often": 3,
    "frequently": 3,
    "regularly": 3,
    "sometimes": 2,
    "occasionally": 2,
    "rarely": 1,
    "seldom": 1,
    "hardly": 1,
    "barely": 1,
}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)?$")
_DIGITS = re.compile(r"^\d+(?:[.,]\d+)?[a-z]*$")
# Words after which a number is a value (a time or an amount), not a name.
_VALUE_PREFIXES = frozenset(
    [
        "at",
        "by",
        "before",
        "after",
        "around",
        "about",
        "until",
        "till",
        "from",
        "to",
        "than",
        "under",
        "over",
        "past",
        "every",
        "each",
        "only",
        "least",
        "most",
        "exactly",
        "nearly",
        "almost",
        "roughly",
        "approximately",
    ]
)
# Words that open a qualifier: what follows restricts the belief to a context, topic,
# audience, place or time.
_QUALIFIER_MARKERS = frozenset(
    [
        "when",
        "whenever",
        "while",
        "during",
        "about",
        "regarding",
        "for",
        "in",
        "at",
        "on",
        "with",
        "before",
        "after",
        "if",
        "unless",
        "around",
        "outside",
        "inside",
        "within",
        "per",
    ]
)
# A qualifier ends at a comparator or a conjunction that starts another clause.
_QUALIFIER_ENDS = frozenset(["over", "than", "instead", "rather", "versus", "vs", "and", "but"])


@dataclass(frozen=True)
class Structure:
    values: frozenset[str]
    """numbers and times that measure the belief ('5', '6am')"""
    identifiers: frozenset[str]
    """numbers that name a thing ('topic 7' -> 'topic#7')"""
    rate: float | None
    """how many times a week, when the statement says ('twice a week' -> 2.0)"""
    frequency: int | None
    """how often on a 1 (rarely) .. 5 (always) scale, when the statement says"""
    qualifiers: frozenset[str]
    """stemmed content words inside qualifier phrases"""


def _number(word: str) -> str | None:
    if word in _NUMBER_WORDS:
        return str(_NUMBER_WORDS[word])
    time = _TIME.match(word)
    if time:
        hour, minute, half = time.groups()
        return f"{int(hour)}{':' + minute if minute else ''}{half or ''}"
    if _DIGITS.match(word):
        return word
    return None


_COUNTS = frozenset(["times", "once", "twice", "thrice"])
_VAGUE_AMOUNTS = frozenset(["few", "several", "couple", "many"])


def _rate_or_duration(ws: Sequence[str], i: int, period: float) -> float | str | None:
    """What the period word at `i` says: a rate in times a week ("every day", "twice a
    week", "every 10 minutes", "5 cups per day"), a duration ("10 minutes", "a few days",
    "within an hour" -> '10minute', 'fewday', '1hour'), or nothing."""
    before = ws[i - 1] if i > 0 else ""
    earlier = ws[i - 2] if i > 1 else ""
    unit = ws[i].removesuffix("s")
    if before in ("every", "each"):
        return period
    if earlier in ("every", "each") and _number(before) is not None:
        count = _number(before)
        return period / float(count) if count and count.isdigit() and count != "0" else period
    if before in ("a", "an", "per"):
        if earlier in _COUNTS or before == "per":
            count = _number(ws[i - 3] if earlier == "times" and i >= 3 else earlier)
            return (float(count) if count and count.isdigit() else 1.0) * period
        return f"1{unit}"
    if before in _VAGUE_AMOUNTS:
        return f"few{unit}"
    amount = _number(before)
    if amount is not None and before not in _COUNTS:
        return f"{amount}{unit}"
    return None


def _period(word: str) -> float | None:
    """Times a week of a period word ('days' -> 7.0), or None."""
    return _PERIODS.get(word, _PERIODS.get(word[:-1]) if word.endswith("s") else None)


def _is_content(word: str) -> bool:
    return (
        word.isalpha()
        and word not in lexicon.STOPWORDS
        and word not in _QUALIFIER_MARKERS
        and word not in _VALUE_PREFIXES
        and word not in _NUMBER_WORDS
        and word not in _COUNTS
        and word not in lexicon.EXCLUSIVES
    )


@functools.lru_cache(maxsize=8192)
def structure(statement: str) -> Structure:
    ws = words(statement)
    values: set[str] = set()
    identifiers: set[str] = set()
    rate: float | None = None
    frequency: int | None = None
    qualifiers: set[str] = set()
    in_qualifier = False
    for i, word in enumerate(ws):
        before = ws[i - 1] if i > 0 else ""
        after = ws[i + 1] if i + 1 < len(ws) else ""
        if word in _FREQUENCY and frequency is None:
            frequency = _FREQUENCY[word]
        if word in _RATE_ADJECTIVES and rate is None:
            rate = _PERIODS[word]
        period = _period(word)
        if period is not None:
            read = _rate_or_duration(ws, i, period)
            if isinstance(read, float):
                rate = read if rate is None else rate
            elif read is not None:
                values.add(read)
        number = _number(word)
        if number is not None and word not in ("once", "twice", "thrice", "single"):
            if after in ("am", "pm"):
                number += after
            if after == "times" or (after in ("a", "per") and i + 2 < len(ws)):
                pass  # a count in a rate, read with its period
            elif _period(after) is not None:
                pass  # a duration ("10 minutes"), read with its period
            elif (
                before.isalpha()
                and before not in _VALUE_PREFIXES
                and (not after or after in _QUALIFIER_MARKERS or after in _QUALIFIER_ENDS)
            ):
                identifiers.add(f"{stem(before)}#{number}")
            else:
                values.add(number)
        elif word in ("once", "twice", "thrice") and after in ("a", "per", "every"):
            pass  # counted with the period that follows
        if word in _QUALIFIER_ENDS:
            in_qualifier = False
        elif word in _QUALIFIER_MARKERS:
            in_qualifier = True
        elif in_qualifier and _is_content(word) and period is None:
            qualifiers.add(stem(word))
    return Structure(
        values=frozenset(values),
        identifiers=frozenset(identifiers),
        rate=rate,
        frequency=frequency,
        qualifiers=frozenset(qualifiers),
    )


def _named(qualifier: str, other: frozenset[str]) -> bool:
    """Whether the other statement names the qualifier: the same stem, a word of the same
    family ('pharmacy' / 'pharmacist'), or a scale word (the reversal itself)."""
    return (
        qualifier in other
        or qualifier in LEXICON.poles
        or any(same_family(qualifier, word) for word in other)
    )


@dataclass(frozen=True)
class Comparison:
    value_clash: bool
    """both statements give a value for the belief and the values differ"""
    identifier_differs: bool
    """they name different numbered things ('topic 3' / 'topic 7', or 'topic 3' / none)"""
    qualifier_differs: bool
    """a qualifier of one statement (a context, topic, audience, time) is not in the
    other statement"""


def compare(a: str, b: str, content_a: frozenset[str], content_b: frozenset[str]) -> Comparison:
    """Symmetric comparison of two statements' structures; `content_*` are the rules'
    canonical content words, used to accept a qualifier the other side names elsewhere."""
    sa, sb = structure(a), structure(b)
    clash = bool(sa.values and sb.values and sa.values != sb.values)
    if sa.rate is not None and sb.rate is not None:
        low, high = sorted((sa.rate, sb.rate))
        clash = clash or high >= 1.5 * low
    if sa.frequency is not None and sb.frequency is not None:
        clash = clash or abs(sa.frequency - sb.frequency) >= 2
    words_a = stemmed_words(a) | content_a
    words_b = stemmed_words(b) | content_b
    # A qualifier word on a known scale ("in the office" / "from home") is the reversal
    # itself, not a different context.
    only_a = {q for q in sa.qualifiers if not _named(q, words_b)}
    only_b = {q for q in sb.qualifiers if not _named(q, words_a)}
    return Comparison(
        value_clash=clash,
        identifier_differs=sa.identifiers != sb.identifiers,
        qualifier_differs=bool(only_a or only_b),
    )


__all__ = ["Comparison", "Structure", "compare", "structure"]
