"""Belief inventories: what a product needs to believe about its users, as a PM writes it.

One inventory per (tenant, scope). Each entry names a belief (`statement`, optional
`opposite`), which observation types may teach it, in which contexts and whether it is
learned per context, example observations for and against it, the confidence at which the
product acts on it and what the product then does. Inventories are replaced whole; every
replacement is a new, immutable revision.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from service.domain import limits
from service.domain.errors import FieldViolation, InvalidArgument
from service.domain.model import ObservationType
from service.domain.validation import text_problem

LEARNABLE_TYPES: tuple[ObservationType, ...] = (
    ObservationType.PREFERENCE,
    ObservationType.CORRECTION,
    ObservationType.FEEDBACK,
    ObservationType.INTERACTION,
    ObservationType.ANSWER,
)
"""Observation types an entry may be learned from (assertions name their belief already)."""

DEFAULT_ACTIVATION_THRESHOLD = 0.7

MAX_ENTRIES = 50
MAX_SIGNALS = 20
"""Per side (for, against), per entry."""
MAX_CONTEXTS = 20
MAX_KEY_CHARS = 64
MAX_TEXT_BYTES = 1024
"""statement, opposite, each signal, used_for and each adaptation text."""

_KEY = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class Adaptation:
    """What the product does with a belief."""

    when_active: str = ""
    """When the statement is favored with at least the activation threshold."""
    when_opposite_active: str = ""
    """When the opposite is favored with at least the activation threshold."""
    default: str = ""
    """While neither side is active (cold start)."""


@dataclass(frozen=True)
class InventoryEntry:
    key: str
    statement: str
    opposite: str = ""
    """Empty when the belief has no natural opposite."""
    learned_via: tuple[ObservationType, ...] = LEARNABLE_TYPES
    contexts: tuple[str, ...] = ()
    """Contexts whose observations teach the entry; empty means every context."""
    per_context: bool = False
    """Learned separately in each context (a situational belief) instead of globally."""
    signals_for: tuple[str, ...] = ()
    signals_against: tuple[str, ...] = ()
    activation_threshold: float = DEFAULT_ACTIVATION_THRESHOLD
    used_for: str = ""
    adaptation: Adaptation = field(default_factory=Adaptation)

    def pole(self, favors_statement: bool) -> str:
        """The statement of the favored side (the statement when there is no opposite)."""
        return self.statement if favors_statement or not self.opposite else self.opposite

    def learns_from(self, observation_type: ObservationType, context: str) -> bool:
        return observation_type in self.learned_via and (
            not self.contexts or context in self.contexts
        )


@dataclass(frozen=True)
class BeliefInventory:
    scope: str
    entries: tuple[InventoryEntry, ...]
    revision: int = 0
    """0 for the built-in starter inventory, which is never stored."""
    create_time: datetime | None = None
    starter: bool = False

    @property
    def etag(self) -> str:
        digest = hashlib.sha256(self.fingerprint().encode()).hexdigest()[:16]
        return f"{self.revision}-{digest}"

    def fingerprint(self) -> str:
        """Identifies the content (not the revision): an unchanged put makes no revision."""
        return _fingerprint(self.entries)

    def entry(self, key: str) -> InventoryEntry | None:
        return next((e for e in self.entries if e.key == key), None)


@functools.lru_cache(maxsize=256)
def _fingerprint(entries: tuple[InventoryEntry, ...]) -> str:
    """Cached: every observation looks its scope's inventory up by it."""
    return json.dumps(entries_document(entries), sort_keys=True)


def entries_document(entries: Sequence[InventoryEntry]) -> list[dict[str, Any]]:
    """The entries as plain data (the stored and file format)."""
    documents = []
    for entry in entries:
        document = asdict(entry)
        document["learned_via"] = [t.value for t in entry.learned_via]
        document["contexts"] = list(entry.contexts)
        document["signals_for"] = list(entry.signals_for)
        document["signals_against"] = list(entry.signals_against)
        documents.append(document)
    return documents


def entries_from_document(documents: Sequence[Any], path: str = "beliefs") -> list[InventoryEntry]:
    """Entries from plain data (YAML, JSON or the stored form); INVALID_ARGUMENT per field.

    Unknown keys are refused, so a misspelt field is not silently ignored.
    """
    if not isinstance(documents, Sequence) or isinstance(documents, str):
        raise InvalidArgument.of(path, "must be a list of beliefs")
    entries: list[InventoryEntry] = []
    violations: list[FieldViolation] = []
    for index, document in enumerate(documents):
        where = f"{path}[{index}]"
        if not isinstance(document, Mapping):
            violations.append(FieldViolation(where, "must be a mapping"))
            continue
        try:
            entries.append(_entry_from_mapping(document, where))
        except InvalidArgument as error:
            violations.extend(error.violations)
    if violations:
        raise InvalidArgument(violations)
    return entries


_ENTRY_FIELDS = {
    "key",
    "statement",
    "opposite",
    "learned_via",
    "contexts",
    "per_context",
    "signals_for",
    "signals_against",
    "activation_threshold",
    "used_for",
    "adaptation",
}
_ADAPTATION_FIELDS = {"when_active", "when_opposite_active", "default"}


def _entry_from_mapping(document: Mapping[str, Any], where: str) -> InventoryEntry:
    violations = [
        FieldViolation(f"{where}.{name}", "unknown field")
        for name in document
        if name not in _ENTRY_FIELDS
    ]

    def text(name: str) -> str:
        value = document.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            violations.append(FieldViolation(f"{where}.{name}", "must be text"))
            return ""
        return value

    def texts(name: str) -> tuple[str, ...]:
        value = document.get(name) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            violations.append(FieldViolation(f"{where}.{name}", "must be a list of texts"))
            return ()
        return tuple(value)

    learned_via: list[ObservationType] = []
    for position, name in enumerate(texts("learned_via")):
        try:
            learned_via.append(ObservationType(name.strip().lower()))
        except ValueError:
            violations.append(
                FieldViolation(f"{where}.learned_via[{position}]", f"unknown type {name!r}")
            )
    threshold = document.get("activation_threshold", DEFAULT_ACTIVATION_THRESHOLD)
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        violations.append(FieldViolation(f"{where}.activation_threshold", "must be a number"))
        threshold = DEFAULT_ACTIVATION_THRESHOLD
    per_context = document.get("per_context", False)
    if not isinstance(per_context, bool):
        violations.append(FieldViolation(f"{where}.per_context", "must be true or false"))
        per_context = False
    adaptation_document = document.get("adaptation") or {}
    adaptation = Adaptation()
    if not isinstance(adaptation_document, Mapping):
        violations.append(FieldViolation(f"{where}.adaptation", "must be a mapping"))
    else:
        violations.extend(
            FieldViolation(f"{where}.adaptation.{name}", "unknown field")
            for name in adaptation_document
            if name not in _ADAPTATION_FIELDS
        )
        values = {name: adaptation_document.get(name) or "" for name in _ADAPTATION_FIELDS}
        if all(isinstance(v, str) for v in values.values()):
            adaptation = Adaptation(**values)
        else:
            violations.append(FieldViolation(f"{where}.adaptation", "values must be text"))
    entry = InventoryEntry(
        key=text("key").strip(),
        statement=text("statement").strip(),
        opposite=text("opposite").strip(),
        learned_via=tuple(learned_via) or LEARNABLE_TYPES,
        contexts=tuple(c.strip() for c in texts("contexts")),
        per_context=per_context,
        signals_for=tuple(s.strip() for s in texts("signals_for")),
        signals_against=tuple(s.strip() for s in texts("signals_against")),
        activation_threshold=float(threshold),
        used_for=text("used_for").strip(),
        adaptation=adaptation,
    )
    if violations:
        raise InvalidArgument(violations)
    return entry


def validate_entries(entries: Sequence[InventoryEntry], path: str) -> None:
    """Every rule an inventory must meet; all violations are reported at once."""
    violations: list[FieldViolation] = []

    def check(where: str, value: str, max_bytes: int, *, required: bool) -> None:
        # Every text of an entry may reach a prompt or a person: shown.
        problem = text_problem(value, max_bytes, required=required, shown=True)
        if problem is not None:
            violations.append(FieldViolation(where, problem))

    if len(entries) > MAX_ENTRIES:
        violations.append(FieldViolation(path, f"at most {MAX_ENTRIES} beliefs"))
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = f"{path}[{index}]"
        if not _KEY.fullmatch(entry.key) or len(entry.key) > MAX_KEY_CHARS:
            violations.append(
                FieldViolation(
                    f"{where}.key",
                    f"required: lowercase letters, digits and _, at most {MAX_KEY_CHARS}",
                )
            )
        elif entry.key in seen:
            violations.append(
                FieldViolation(f"{where}.key", f"same key as belief {seen[entry.key]}")
            )
        else:
            seen[entry.key] = index
        check(f"{where}.statement", entry.statement, MAX_TEXT_BYTES, required=True)
        check(f"{where}.opposite", entry.opposite, MAX_TEXT_BYTES, required=False)
        if entry.opposite and entry.opposite.casefold() == entry.statement.casefold():
            violations.append(FieldViolation(f"{where}.opposite", "same as the statement"))
        for position, observation_type in enumerate(entry.learned_via):
            if observation_type not in LEARNABLE_TYPES:
                violations.append(
                    FieldViolation(
                        f"{where}.learned_via[{position}]",
                        f"{observation_type.value} cannot teach an inventory belief",
                    )
                )
        if len(entry.contexts) > MAX_CONTEXTS:
            violations.append(FieldViolation(f"{where}.contexts", f"at most {MAX_CONTEXTS}"))
        for position, context in enumerate(entry.contexts):
            check(
                f"{where}.contexts[{position}]",
                context,
                limits.MAX_IDENTIFIER_BYTES,
                required=True,
            )
        for side, signals in (
            ("signals_for", entry.signals_for),
            ("signals_against", entry.signals_against),
        ):
            if len(signals) > MAX_SIGNALS:
                violations.append(FieldViolation(f"{where}.{side}", f"at most {MAX_SIGNALS}"))
            for position, signal in enumerate(signals):
                check(f"{where}.{side}[{position}]", signal, MAX_TEXT_BYTES, required=True)
        if not 0.0 < entry.activation_threshold < 1.0:  # also refuses NaN
            violations.append(
                FieldViolation(
                    f"{where}.activation_threshold", "must be between 0 and 1, exclusive"
                )
            )
        check(f"{where}.used_for", entry.used_for, MAX_TEXT_BYTES, required=False)
        for name in sorted(_ADAPTATION_FIELDS):
            check(
                f"{where}.adaptation.{name}",
                getattr(entry.adaptation, name),
                MAX_TEXT_BYTES,
                required=False,
            )
        if entry.adaptation.when_opposite_active and not entry.opposite:
            violations.append(
                FieldViolation(
                    f"{where}.adaptation.when_opposite_active", "the belief has no opposite"
                )
            )
    if violations:
        raise InvalidArgument(violations)
