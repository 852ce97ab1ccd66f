"""Evaluate the merge judge on labelled statement pairs.

    python -m service.eval.merge --pairs FILE.jsonl [--errors]

Each line of FILE is {"a", "b", "label", "kind"} with label duplicate, contradiction or
distinct. Every statement is embedded with the packaged all-MiniLM-L6-v2, the judge runs
on both orders of every pair, and the report gives a per-kind breakdown; its last line is
one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LABELS = ("duplicate", "contradiction", "distinct")
EXPECTED = {"duplicate": "same", "contradiction": "opposite", "distinct": "distinct"}


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    label: str
    kind: str
    group: str = ""
    """the topic cluster the pair was written around, if the file says"""


def load_pairs(path: Path) -> list[Pair]:
    pairs: list[Pair] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            if row["label"] not in LABELS:
                raise ValueError(f"{path}:{number}: unknown label {row['label']!r}")
            pairs.append(
                Pair(row["a"], row["b"], row["label"], row.get("kind", ""), row.get("cluster", ""))
            )
    return pairs


def embed_statements(texts: Iterable[str]) -> dict[str, list[float]]:
    """Embed each distinct text once with the packaged model."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from service.embeddings import OnnxEmbedder, packaged_model_path

    unique = sorted(set(texts))
    embedder = OnnxEmbedder(str(packaged_model_path()))
    try:
        vectors = embedder.embed_blocking(unique)
    finally:
        embedder.close()
    return dict(zip(unique, vectors, strict=True))


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def evaluate(
    pairs: Sequence[Pair], vectors: dict[str, list[float]], show_errors: bool = False
) -> tuple[dict[str, Any], list[str]]:
    """Run the judge over the pairs; returns the figures and the report lines."""
    from service.domain.merge import judge

    lines: list[str] = []
    verdicts: list[str] = []
    asymmetric: list[Pair] = []
    started = time.perf_counter()
    for pair in pairs:
        forward = judge(pair.a, pair.b, vectors[pair.a], vectors[pair.b])
        backward = judge(pair.b, pair.a, vectors[pair.b], vectors[pair.a])
        if forward.verdict is not backward.verdict:
            asymmetric.append(pair)
        verdicts.append(forward.verdict.value)
        if show_errors and forward.verdict.value != EXPECTED[pair.label]:
            lines.append(
                f"  x {pair.label}/{pair.kind} -> {forward.verdict.value} ({forward.reason}): "
                f"{pair.a!r} | {pair.b!r}"
            )
    elapsed = time.perf_counter() - started
    per_call_ms = 1000 * elapsed / max(1, 2 * len(pairs))

    by_kind: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for pair, verdict in zip(pairs, verdicts, strict=True):
        by_kind[(pair.label, pair.kind)][verdict] += 1
    lines.append(f"{'label/kind':45} {'n':>4} {'same':>5} {'opp':>5} {'dist':>5}  correct")
    for (label, kind), counts in sorted(by_kind.items()):
        n = sum(counts.values())
        right = counts[EXPECTED[label]]
        lines.append(
            f"{label + '/' + kind:45} {n:4d} {counts['same']:5d} {counts['opposite']:5d} "
            f"{counts['distinct']:5d}  {right / n:.2f}"
        )

    def count(label: str, verdict: str) -> int:
        return sum(
            1 for p, v in zip(pairs, verdicts, strict=True) if p.label == label and v == verdict
        )

    totals = {label: sum(1 for p in pairs if p.label == label) for label in LABELS}
    merged = sum(1 for v in verdicts if v == "same")
    figures: dict[str, Any] = {
        "pairs": len(pairs),
        "duplicate_precision": _ratio(count("duplicate", "same"), merged),
        "duplicate_recall": _ratio(count("duplicate", "same"), totals["duplicate"]),
        "contradiction_recall": _ratio(count("contradiction", "opposite"), totals["contradiction"]),
        "contradiction_merged_rate": _ratio(
            count("contradiction", "same"), totals["contradiction"]
        ),
        "distinct_merged_rate": _ratio(count("distinct", "same"), totals["distinct"]),
        "distinct_opposite_rate": _ratio(count("distinct", "opposite"), totals["distinct"]),
        "distinct_accuracy": _ratio(count("distinct", "distinct"), totals["distinct"]),
        "accuracy": _ratio(
            sum(1 for p, v in zip(pairs, verdicts, strict=True) if v == EXPECTED[p.label]),
            len(pairs),
        ),
        "asymmetric_pairs": len(asymmetric),
        "ms_per_judge_call": round(per_call_ms, 4),
        "kind_accuracy": {
            f"{label}/{kind}": _ratio(counts[EXPECTED[label]], sum(counts.values()))
            for (label, kind), counts in sorted(by_kind.items())
        },
    }
    for pair in asymmetric:
        lines.append(f"  asymmetric: {pair.a!r} | {pair.b!r}")
    return figures, lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, required=True, help="JSONL file of labelled pairs")
    parser.add_argument("--errors", action="store_true", help="list every wrong verdict")
    args = parser.parse_args(argv)
    pairs = load_pairs(args.pairs)
    vectors = embed_statements([p.a for p in pairs] + [p.b for p in pairs])
    figures, lines = evaluate(pairs, vectors, show_errors=args.errors)
    for line in lines:
        print(line)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
