"""The starter inventory: what a scope learns until it has an inventory of its own."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from service.domain.inventory import (
    BeliefInventory,
    InventoryEntry,
    entries_from_document,
    validate_entries,
)

STARTER_PATH = Path(__file__).with_name("starter_inventory.yaml")


@functools.cache
def _starter_entries() -> tuple[InventoryEntry, ...]:
    document = yaml.safe_load(STARTER_PATH.read_text(encoding="utf-8"))
    entries = entries_from_document(document["beliefs"])
    validate_entries(entries, "beliefs")
    return tuple(entries)


def starter_inventory(scope: str) -> BeliefInventory:
    return BeliefInventory(scope=scope, entries=_starter_entries(), revision=0, starter=True)
