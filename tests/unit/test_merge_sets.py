"""The merge judge on labelled pairs it was not built from: the dev set and the sealed set.

Both files live in tests/data/: `belief_pairs_dev.jsonl` is a copy of the shared dev set
(.ci/check-dev-data keeps it identical), `merge_sealed_2026-12-01.jsonl` was written and
frozen before the judge's rules and training data were (docs/merging.md, "Evaluation").
Neither is read by the training script.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.eval.merge import embed_statements, evaluate, load_pairs
from tests.unit.targets import check_floor, check_target, target_params

DATA = Path(__file__).resolve().parents[1] / "data"
SETS = {"dev": DATA / "belief_pairs_dev.jsonl", "sealed": DATA / "merge_sealed_2026-12-01.jsonl"}
TARGETS = {
    "contradiction_merged_rate": ("<=", 0.01),
    "distinct_opposite_rate": ("<=", 0.05),
    "distinct_merged_rate": ("<=", 0.03),
    "duplicate_precision": (">=", 0.95),
    "duplicate_recall": (">=", 0.75),
    "contradiction_recall": (">=", 0.80),
}
# Targets the judge does not reach yet (docs/merging.md, "Evaluation", has the figures).
# Strict: the day one is reached, its test fails until it moves out of this list.
NOT_REACHED = {
    ("dev", "contradiction_merged_rate"): "1 of 80 merged",
    ("dev", "duplicate_recall"): "0.34: low-overlap paraphrases, jargon, register shifts",
    ("sealed", "duplicate_recall"): "0.49: low-overlap paraphrases, jargon, register shifts",
    ("dev", "contradiction_recall"): "0.61: contradictions that need world knowledge",
    ("sealed", "contradiction_recall"): "0.79: exclusive choices, opposite preferences",
}
# Below the targets, what the judge does reach must not get worse.
FLOORS = {
    ("dev", "duplicate_recall"): 0.30,
    ("sealed", "duplicate_recall"): 0.45,
    ("dev", "contradiction_recall"): 0.55,
    ("sealed", "contradiction_recall"): 0.74,
}
Figures = dict[str, tuple[dict[str, Any], list[str]]]


@pytest.fixture(scope="module")
def figures() -> Figures:
    out = {}
    for name, path in SETS.items():
        pairs = load_pairs(path)
        out[name] = evaluate(pairs, embed_statements([p.a for p in pairs] + [p.b for p in pairs]))
    return out


@pytest.mark.parametrize("name", list(SETS))
def test_the_judge_is_symmetric(name: str, figures: Figures) -> None:
    measured, report = figures[name]
    assert measured["asymmetric_pairs"] == 0, "\n".join(report)


@pytest.mark.parametrize(("name", "target"), target_params(SETS, TARGETS, NOT_REACHED))
def test_figure_reaches_its_target(name: str, target: str, figures: Figures) -> None:
    measured, report = figures[name]
    check_target(name, target, measured, TARGETS[target], report[:40])


@pytest.mark.parametrize(("name", "target"), list(FLOORS))
def test_figure_below_its_target_does_not_regress(name: str, target: str, figures: Figures) -> None:
    measured, report = figures[name]
    check_floor(name, target, measured, FLOORS[(name, target)], report[:40])
