"""Evaluate the inference on observations labeled against belief inventories.

    python -m service.eval.inference --inventories FILE.json --observations FILE.jsonl [--errors]

FILE.json is {"inventories": [{"scope", "beliefs": [entry, ...]}]} (entries as in a belief
inventory file); each line of FILE.jsonl is {"scope", "type", "content", "context",
"expected": [{"key", "stance"}], "kind"}. Every text is embedded with the packaged
all-MiniLM-L6-v2; the report gives recall per kind and, on its last line, one JSON object
with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.domain.inference import InventoryIndex, Scorer, default_scorer, infer
from service.domain.inventory import BeliefInventory, entries_from_document
from service.domain.model import ObservationType, Stance
from service.eval.merge import embed_statements


@dataclass(frozen=True)
class LabeledObservation:
    scope: str
    type: ObservationType
    content: str
    context: str
    expected: frozenset[tuple[str, Stance]]
    kind: str


def load_inventories(path: Path) -> dict[str, BeliefInventory]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return {
        inventory["scope"]: BeliefInventory(
            scope=inventory["scope"],
            entries=tuple(entries_from_document(inventory["beliefs"])),
            revision=1,
        )
        for inventory in document["inventories"]
    }


def load_observations(path: Path) -> list[LabeledObservation]:
    rows = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            rows.append(
                LabeledObservation(
                    scope=row["scope"],
                    type=ObservationType(row["type"]),
                    content=row["content"],
                    context=row.get("context", ""),
                    expected=frozenset(
                        (e["key"], Stance(e["stance"])) for e in row.get("expected", [])
                    ),
                    kind=row.get("kind", ""),
                )
            )
    return rows


def build_indexes(
    inventories: dict[str, BeliefInventory], vectors: dict[str, list[float]]
) -> dict[str, InventoryIndex]:
    return {scope: InventoryIndex.build(inv, vectors) for scope, inv in inventories.items()}


def embed_all(
    inventories: dict[str, BeliefInventory], observations: Sequence[LabeledObservation]
) -> dict[str, list[float]]:
    texts = {t for inv in inventories.values() for t in InventoryIndex.texts(inv)}
    return embed_statements(texts | {o.content for o in observations})


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def evaluate(
    indexes: dict[str, InventoryIndex],
    observations: Sequence[LabeledObservation],
    vectors: dict[str, list[float]],
    scorer: Scorer,
    show_errors: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    inferred_total = inferred_right = 0
    labeled = found = reversed_ = 0
    irrelevant = irrelevant_hit = 0
    by_kind: Counter[str] = Counter()
    found_by_kind: Counter[str] = Counter()
    lines: list[str] = []
    elapsed = 0.0
    for observation in observations:
        index = indexes[observation.scope]
        started = time.perf_counter()
        inferences = infer(
            index,
            observation.type,
            observation.content,
            observation.context,
            vectors[observation.content],
            scorer,
        )
        elapsed += time.perf_counter() - started
        got = {(i.entry.key, i.stance) for i in inferences}
        expected = observation.expected
        inferred_total += len(got)
        inferred_right += len(got & expected)
        labeled += len(expected)
        found += len(got & expected)
        by_kind[observation.kind] += len(expected) or 1
        found_by_kind[observation.kind] += len(got & expected) if expected else int(not got)
        for key, stance in expected:
            flipped = Stance.CONTRADICTS if stance is Stance.SUPPORTS else Stance.SUPPORTS
            reversed_ += (key, flipped) in got
        if not expected:
            irrelevant += 1
            irrelevant_hit += bool(got)
        if show_errors and got != expected:
            lines.append(
                f"  [{observation.kind}] {observation.scope} {observation.type.value}: "
                f"{observation.content!r}\n    expected {_show(expected)} got {_show(got)}"
            )
    figures = {
        "observations": len(observations),
        "stance_precision": _ratio(inferred_right, inferred_total),
        "stance_recall": _ratio(found, labeled),
        "wrong_direction_rate": _ratio(reversed_, labeled),
        "irrelevant_inferred_rate": _ratio(irrelevant_hit, irrelevant),
        "inferred": inferred_total,
        "labeled": labeled,
        "kind_accuracy": {k: _ratio(found_by_kind[k], by_kind[k]) for k in sorted(by_kind)},
        "ms_per_observation": round(1000 * elapsed / max(len(observations), 1), 3),
    }
    return figures, lines


def _show(pairs: frozenset[tuple[str, Stance]] | set[tuple[str, Stance]]) -> str:
    return "{" + ", ".join(f"{k}:{s.value}" for k, s in sorted(pairs, key=str)) + "}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m service.eval.inference")
    parser.add_argument("--inventories", type=Path, required=True)
    parser.add_argument("--observations", type=Path, required=True)
    parser.add_argument("--errors", action="store_true", help="list every wrong observation")
    args = parser.parse_args(argv)
    inventories = load_inventories(args.inventories)
    observations = load_observations(args.observations)
    vectors = embed_all(inventories, observations)
    figures, lines = evaluate(
        build_indexes(inventories, vectors), observations, vectors, default_scorer(), args.errors
    )
    for line in lines:
        print(line)
    for kind, accuracy in figures["kind_accuracy"].items():
        print(f"{kind:>14}: {accuracy:.2f}")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
