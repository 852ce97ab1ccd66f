"""Inventory documents and validation; the inference's guarantees that hold for any input."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.errors import InvalidArgument
from service.domain.inference import InventoryIndex, default_scorer, infer, score_entries
from service.domain.inventory import (
    BeliefInventory,
    InventoryEntry,
    entries_document,
    entries_from_document,
    validate_entries,
)
from service.domain.model import ObservationType, Stance
from service.domain.starter import starter_inventory

ENTRY = InventoryEntry(
    key="length",
    statement="Prefers concise answers",
    opposite="Prefers detailed answers",
    learned_via=(ObservationType.PREFERENCE, ObservationType.CORRECTION),
    signals_for=("Picked the short version",),
    signals_against=("Asked for more detail",),
)


def _fields(error: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [v.field for v in error.value.violations]


def test_documents_round_trip_and_defaults_apply() -> None:
    [entry] = entries_from_document([{"key": "k", "statement": "Likes tea", "opposite": None}])
    assert entry.opposite == "" and entry.activation_threshold == 0.7
    assert ObservationType.ASSERTION not in entry.learned_via
    assert entries_from_document(entries_document([ENTRY])) == [ENTRY]


def test_every_problem_of_a_document_is_named() -> None:
    with pytest.raises(InvalidArgument) as error:
        entries_from_document(
            [{"key": "k", "statement": 3, "learned_via": ["psychic"], "per_context": "yes"}, "x"]
        )
    assert sorted(_fields(error)) == [
        "beliefs[0].learned_via[0]",
        "beliefs[0].per_context",
        "beliefs[0].statement",
        "beliefs[1]",
    ]


def test_validation_names_the_field() -> None:
    entries = [
        ENTRY,
        InventoryEntry(key="length", statement="x"),
        InventoryEntry(key="Bad Key", statement="y", activation_threshold=0.0),
        InventoryEntry(key="same", statement="Same", opposite="same"),
        InventoryEntry(key="z", statement="z", signals_for=("",)),
    ]
    with pytest.raises(InvalidArgument) as error:
        validate_entries(entries, "inventory.beliefs")
    assert _fields(error) == [
        "inventory.beliefs[1].key",
        "inventory.beliefs[2].key",
        "inventory.beliefs[2].activation_threshold",
        "inventory.beliefs[3].opposite",
        "inventory.beliefs[4].signals_for[0]",
    ]


def test_the_starter_inventory_is_valid_and_covers_the_common_dimensions() -> None:
    starter = starter_inventory("any")
    assert starter.starter and starter.revision == 0
    validate_entries(starter.entries, "beliefs")
    assert {"output_length", "plain_language", "technical_user", "list_format"} <= {
        e.key for e in starter.entries
    }


def _vector(text: str) -> list[float]:
    """A deterministic stand-in for an embedding (unit length)."""
    rng = np.random.default_rng(zlib.crc32(text.encode()))
    vector = rng.normal(size=384)
    return list(vector / np.linalg.norm(vector))


def _index(entries: tuple[InventoryEntry, ...], extra: list[str]) -> InventoryIndex:
    inventory = BeliefInventory("s", entries, 1)
    return InventoryIndex.build(
        inventory, {t: _vector(t) for t in InventoryIndex.texts(inventory) + extra}
    )


def _swapped(entry: InventoryEntry) -> InventoryEntry:
    return InventoryEntry(
        key=entry.key,
        statement=entry.opposite,
        opposite=entry.statement,
        learned_via=entry.learned_via,
        signals_for=entry.signals_against,
        signals_against=entry.signals_for,
    )


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_swapping_an_entrys_sides_swaps_the_stance_exactly(content: str) -> None:
    scorer = default_scorer()
    plain = _index((ENTRY,), [content])
    swapped = _index((_swapped(ENTRY),), [content])
    [a] = score_entries(plain, plain.entries, content, _vector(content), scorer)
    [b] = score_entries(swapped, swapped.entries, content, _vector(content), scorer)
    assert a.supports == pytest.approx(b.contradicts, abs=1e-5)
    assert a.contradicts == pytest.approx(b.supports, abs=1e-5)


def test_an_observation_type_the_entry_does_not_learn_from_is_never_inferred() -> None:
    text = "Picked the short version"
    index = _index((ENTRY,), [text])
    assert infer(index, ObservationType.INTERACTION, text, "", _vector(text)) == []
    [found] = infer(index, ObservationType.PREFERENCE, text, "", _vector(text))
    assert found.stance is Stance.SUPPORTS and "length" in found.reason
