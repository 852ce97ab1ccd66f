"""What a statement is about: values, named things and qualifiers, and what they decide."""

from __future__ import annotations

import pytest

from service.domain.merge.structure import compare, structure
from service.domain.merge.text import analyse


def compared(a: str, b: str) -> tuple[bool, bool, bool]:
    c = compare(a, b, analyse(a).content, analyse(b).content)
    d = compare(b, a, analyse(b).content, analyse(a).content)
    assert c == d, "asymmetric"
    return c.value_clash, c.identifier_differs, c.qualifier_differs


@pytest.mark.parametrize(
    ("statement", "values", "rate", "frequency"),
    [
        ("Wakes at 6am", {"6am"}, None, None),
        ("Wakes at 6 am", {"6am"}, None, None),
        ("Has two kids", {"2"}, None, None),
        ("Runs 5 km twice a week", {"5"}, 2.0, None),
        ("Goes to the gym three times a week", set(), 3.0, None),
        ("Works out daily", set(), 7.0, None),
        ("Calls home every Sunday", set(), 1.0, None),
        ("Usually cooks dinner", set(), None, 4),
        ("Rarely cooks dinner", set(), None, 1),
    ],
)
def test_values_rates_and_frequencies_are_read(
    statement: str, values: set[str], rate: float | None, frequency: int | None
) -> None:
    read = structure(statement)
    assert set(read.values) == values
    assert read.rate == rate
    assert read.frequency == frequency


def test_a_number_after_a_name_names_a_thing() -> None:
    assert structure("Prefers concise answers about topic 7").identifiers == {"topic#7"}
    assert structure("Uses Python 3 for scripts").identifiers == {"python#3"}
    assert structure("Wakes at 7").identifiers == frozenset()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Wakes at 6am", "Wakes at 10am", (True, False, False)),
        ("Has two kids", "Has four kids", (True, False, False)),
        ("Swims daily", "Swims weekly", (True, False, False)),
        ("Goes running twice a week", "Goes running once a week", (True, False, False)),
        ("Usually bikes to work", "Rarely bikes to work", (True, False, False)),
        ("Usually bikes to work", "Always bikes to work", (False, False, False)),
        (
            "Prefers concise answers about topic 3",
            "Prefers concise answers about topic 9",
            (False, True, False),
        ),
        (
            "Wants long explanations when debugging",
            "Wants short explanations when browsing docs",
            (False, False, True),
        ),
        (
            "Prefers detailed answers about databases",
            "Prefers concise answers about billing",
            (False, False, True),
        ),
        # the reversed word itself sits in the qualifier: not another context
        ("Works in the office", "Works from home", (False, False, False)),
    ],
)
def test_values_names_and_qualifiers_are_compared(
    a: str, b: str, expected: tuple[bool, bool, bool]
) -> None:
    assert compared(a, b) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Replies to emails within an hour", "Usually takes a few days to reply to emails"),
        ("The build finishes in under a minute", "The build takes about 10 minutes"),
        ("Syncs the calendar every hour", "Syncs the calendar every minute"),
        ("Checks messages every 10 minutes", "Checks messages three times a day"),
    ],
)
def test_durations_and_rates_that_differ_clash(a: str, b: str) -> None:
    assert compared(a, b)[0]
