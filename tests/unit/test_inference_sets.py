"""The inference on labeled observations it was not built from: the dev and sealed sets.

`inventories.json` + `observations_dev.jsonl` are copies of the shared dev set
(.ci/check-dev-data keeps them identical); `inference_sealed_2026-12-02/` was written and
frozen before the inference's code and training data (docs/inference.md, "Evaluation").
Neither is read by training.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from service.domain.inference import default_scorer
from service.eval.inference import (
    build_indexes,
    embed_all,
    evaluate,
    load_inventories,
    load_observations,
)
from tests.unit.targets import check_floor, check_target, target_params

DATA = Path(__file__).resolve().parents[1] / "data"
SEALED = DATA / "inference_sealed_2026-12-02"
SETS = {
    "dev": (DATA / "inventories.json", DATA / "observations_dev.jsonl"),
    "sealed": (SEALED / "inventories.json", SEALED / "observations.jsonl"),
}
TARGETS = {
    "wrong_direction_rate": ("<=", 0.02),
    "irrelevant_inferred_rate": ("<=", 0.05),
    "stance_precision": (">=", 0.90),
    "stance_recall": (">=", 0.55),
}
# Targets not reached yet (docs/inference.md, "Evaluation", has the figures). Strict: the
# day one is reached, its test fails until it moves out of this list.
NOT_REACHED: dict[tuple[str, str], str] = {
    ("dev", "stance_recall"): "0.17: paraphrased and indirect evidence (docs/inference.md)",
    ("sealed", "stance_recall"): "0.22: paraphrased and indirect evidence (docs/inference.md)",
}
# Below the targets, what the inference does reach must not get worse.
FLOORS: dict[tuple[str, str], float] = {
    ("dev", "stance_recall"): 0.15,
    ("sealed", "stance_recall"): 0.20,
}
Figures = dict[str, tuple[dict[str, Any], list[str]]]


@pytest.fixture(scope="module")
def figures() -> Figures:
    out = {}
    for name, (inventories_path, observations_path) in SETS.items():
        inventories = load_inventories(inventories_path)
        observations = load_observations(observations_path)
        vectors = embed_all(inventories, observations)
        out[name] = evaluate(
            build_indexes(inventories, vectors), observations, vectors, default_scorer(), True
        )
    return out


@pytest.mark.parametrize(("name", "target"), target_params(SETS, TARGETS, NOT_REACHED))
def test_figure_reaches_its_target(name: str, target: str, figures: Figures) -> None:
    measured, report = figures[name]
    check_target(name, target, measured, TARGETS[target], report[:40])


@pytest.mark.parametrize(("name", "target"), list(FLOORS))
def test_what_is_reached_below_the_target_does_not_regress(
    name: str, target: str, figures: Figures
) -> None:
    measured, report = figures[name]
    check_floor(name, target, measured, FLOORS[(name, target)], report[:40])
