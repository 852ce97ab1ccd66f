"""Fit the feature classifier and choose the judge's thresholds:
`python -m service.eval.tune_merge` (after `train_pair_model`; about 3 minutes).

On the same split as the pair model (whole topic clusters held out), it fits the
logistic regression over `features.py` on the training part and writes
service/domain/merge/classifier.json; then, on the held-out clusters, it runs the judge's
whole decision (rules, structure, both models' combined probabilities) for every
candidate threshold and keeps the SAME thresholds that merge the most duplicates while
the merges meet the product's targets (precision, contradictions and distinct pairs
merged), then the lowest OPPOSITE threshold whose contradictions are precise and that
calls few distinct pairs opposite. Writes
service/domain/merge/thresholds.json.

The dev set and the sealed test set are never read here. scikit-learn is used only here.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from service.domain.merge import THRESHOLDS, Thresholds, combine, decide
from service.domain.merge import classifier as feature_classifier
from service.domain.merge.features import SCALAR_FEATURES, pair_features
from service.domain.merge.pair_model import PairModel
from service.domain.merge.rules import Signals
from service.domain.merge.structure import Comparison
from service.eval.merge import Pair, embed_statements, load_pairs
from service.eval.train_pair_model import TRAIN, split

C = 0.1
# The product's targets for merges and opposites, required on the held-out clusters; the
# one against data corruption (contradictions merged) with half the target as margin,
# since other sets are never quite like the held-out clusters.
SAME_PRECISION = 0.95
MAX_CONTRADICTIONS_MERGED = 0.005
MAX_DISTINCT_MERGED = 0.03
OPPOSITE_PRECISION = 0.85
MAX_DISTINCT_OPPOSITE = 0.04

Row = tuple[str, dict[str, float], Signals, Comparison]


def figures(rows: list[Row], thresholds: Thresholds) -> dict[str, float]:
    verdicts = [decide(p, s, c, 0.0, thresholds).verdict.value for _, p, s, c in rows]
    labels = [label for label, _, _, _ in rows]

    def count(label: str, verdict: str) -> int:
        return sum(1 for x, v in zip(labels, verdicts, strict=True) if x == label and v == verdict)

    def share(label: str, verdict: str) -> float:
        return count(label, verdict) / max(1, labels.count(label))

    return {
        "duplicate_precision": count("duplicate", "same") / max(1, verdicts.count("same")),
        "duplicate_recall": share("duplicate", "same"),
        "contradiction_recall": share("contradiction", "opposite"),
        "contradiction_merged_rate": share("contradiction", "same"),
        "distinct_merged_rate": share("distinct", "same"),
        "distinct_opposite_rate": share("distinct", "opposite"),
        "opposite_precision": count("contradiction", "opposite")
        / max(1, verdicts.count("opposite")),
    }


def choose(rows: list[Row]) -> tuple[Thresholds, dict[str, float]]:
    best: tuple[float, Thresholds] | None = None
    for max_con in (0.05, 0.1, 0.2, 0.3, 0.5, 1.0):
        for same in np.arange(0.5, 0.995, 0.01):
            candidate = Thresholds(float(same), 1.01, max_con)
            f = figures(rows, candidate)
            if (
                f["duplicate_precision"] >= SAME_PRECISION
                and f["contradiction_merged_rate"] <= MAX_CONTRADICTIONS_MERGED
                and f["distinct_merged_rate"] <= MAX_DISTINCT_MERGED
            ):
                if best is None or f["duplicate_recall"] > best[0]:
                    best = (f["duplicate_recall"], candidate)
                break
    chosen = best[1] if best else Thresholds(0.995, 1.01, 0.05)
    for opposite in np.arange(0.3, 0.995, 0.01):
        candidate = Thresholds(chosen.same, float(opposite), chosen.max_contradiction)
        f = figures(rows, candidate)
        if (
            f["opposite_precision"] >= OPPOSITE_PRECISION
            and f["distinct_opposite_rate"] <= MAX_DISTINCT_OPPOSITE
        ):
            chosen = candidate
            break
    rounded = Thresholds(
        round(chosen.same, 2), round(chosen.opposite, 2), round(chosen.max_contradiction, 2)
    )
    return rounded, figures(rows, rounded)


def _features(
    pairs: list[Pair], vectors: dict[str, list[float]]
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], list[tuple[Signals, Comparison]]]:
    rows, parts = [], []
    for p in pairs:
        x, s, c, _ = pair_features(p.a, p.b, vectors[p.a], vectors[p.b])
        rows.append(x)
        parts.append((s, c))
    return np.vstack(rows), parts


def main() -> None:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

    pairs = [pair for path in TRAIN for pair in load_pairs(path)]
    train, heldout = split(pairs)
    vectors = embed_statements([p.a for p in pairs] + [p.b for p in pairs])
    x, _ = _features(train, vectors)
    y = [feature_classifier.CLASSES.index(p.label) for p in train]
    scaler = StandardScaler().fit(x)
    logistic = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    logistic.fit(scaler.transform(x), y)
    weights = {
        "classes": list(feature_classifier.CLASSES),
        "features": list(SCALAR_FEATURES),
        "mean": [round(float(v), 7) for v in scaler.mean_],
        "scale": [round(float(v), 7) for v in scaler.scale_],
        "coef": [[round(float(v), 7) for v in row] for row in logistic.coef_],
        "intercept": [round(float(v), 7) for v in logistic.intercept_],
        "training": {"pairs": len(train), "C": C},
    }
    feature_classifier.WEIGHTS.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")

    classifier = feature_classifier.load()
    pair_model = PairModel.load()
    x_held, parts = _features(heldout, vectors)
    rows: list[Row] = [
        (
            p.label,
            combine(classifier.probabilities(features), pair_model.probabilities(p.a, p.b)),
            s,
            c,
        )
        for p, features, (s, c) in zip(heldout, x_held, parts, strict=True)
    ]
    thresholds, measured = choose(rows)
    out: dict[str, Any] = {
        "same": thresholds.same,
        "opposite": thresholds.opposite,
        "max_contradiction": thresholds.max_contradiction,
        "held_out_pairs": len(rows),
        "held_out_figures": {k: round(v, 4) for k, v in measured.items()},
    }
    THRESHOLDS.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {feature_classifier.WEIGHTS} and {THRESHOLDS}: {json.dumps(out)}")


if __name__ == "__main__":
    main()
