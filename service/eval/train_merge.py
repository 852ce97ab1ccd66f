"""Train the merge judge's pair classifier: `python -m service.eval.train_merge`.

Reads the training pairs (service/eval/data/merge_train_pairs.jsonl, built by
`python -m service.eval.make_merge_pairs`), embeds every statement with the packaged
all-MiniLM-L6-v2, picks the feature blocks and regularization by grouped cross-validation
on those pairs, sets the SAME and OPPOSITE thresholds from the out-of-fold predictions,
fits on all pairs and writes service/domain/merge/weights.json.

The dev set is never read here. scikit-learn is used only here, not at run time.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from service.domain.merge import decide, model
from service.domain.merge.features import SCALAR_FEATURES, pair_features
from service.domain.merge.rules import Signals
from service.eval.merge import Pair, embed_statements, load_pairs

TRAIN = Path(__file__).parent / "data" / "merge_train_pairs.jsonl"
CONFIGS: list[tuple[tuple[str, ...], float]] = [
    *[((), c) for c in (0.01, 0.03, 0.1, 0.3)],
    *[(("product",), c) for c in (0.003, 0.01)],
]
SAME_PRECISION = 0.93
MAX_CONTRADICTIONS_MERGED = 0.01
MAX_DISTINCT_MERGED = 0.02
OPPOSITE_PRECISION = 0.85
SEED = 13


def _groups(pairs: list[Pair]) -> npt.NDArray[np.int64]:
    """Pairs that share a statement stay in one fold: no statement is seen in training and
    again in validation."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p.a)] = find(p.b)
    roots = {r: i for i, r in enumerate(sorted({find(p.a) for p in pairs}))}
    return np.asarray([roots[find(p.a)] for p in pairs], dtype=np.int64)


def _select(x: npt.NDArray[np.float64], parts: tuple[str, ...]) -> npt.NDArray[np.float64]:
    n = len(SCALAR_FEATURES)
    dims = (x.shape[1] - n) // 2
    blocks = [x[:, :n]]
    if "abs_diff" in parts:
        blocks.append(x[:, n : n + dims])
    if "product" in parts:
        blocks.append(x[:, n + dims :])
    return np.hstack(blocks)


def _fit(x: npt.NDArray[np.float64], y: npt.NDArray[np.int64], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.pipeline import make_pipeline  # type: ignore[import-untyped]
    from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

    clf = make_pipeline(
        StandardScaler(),
        LogisticRegression(C=c, max_iter=5000, class_weight="balanced"),
    )
    clf.fit(x, y)
    return clf


def _verdicts(
    proba: npt.NDArray[np.float64],
    sigs: list[Signals],
    cosines: list[float],
    same_t: float,
    opp_t: float,
    max_con: float = 1.0,
) -> list[str]:
    out = []
    for row, s, cos in zip(proba, sigs, cosines, strict=True):
        p = {name: float(row[i]) for i, name in enumerate(model.CLASSES)}
        out.append(decide(p, s, cos, same_t, opp_t, max_con).verdict.value)
    return out


def _figures(verdicts: list[str], y: npt.NDArray[np.int64]) -> dict[str, float]:
    labels = [model.CLASSES[i] for i in y]
    merged = [lab for lab, v in zip(labels, verdicts, strict=True) if v == "same"]
    dup = labels.count("duplicate")
    con = labels.count("contradiction")
    dis = labels.count("distinct")
    opposite = [lab for lab, v in zip(labels, verdicts, strict=True) if v == "opposite"]
    return {
        "duplicate_precision": merged.count("duplicate") / max(1, len(merged)),
        "duplicate_recall": merged.count("duplicate") / max(1, dup),
        "contradiction_recall": opposite.count("contradiction") / max(1, con),
        "contradiction_merged_rate": merged.count("contradiction") / max(1, con),
        "distinct_merged_rate": merged.count("distinct") / max(1, dis),
        "opposite_precision": opposite.count("contradiction") / max(1, len(opposite)),
    }


def _thresholds(
    proba: npt.NDArray[np.float64],
    sigs: list[Signals],
    cosines: list[float],
    y: npt.NDArray[np.int64],
) -> tuple[float, float, float, dict[str, float]]:
    """The SAME thresholds (same-vs-distinct ratio, highest contradiction probability)
    that merge the most duplicates while the out-of-fold merges stay precise, then the
    lowest OPPOSITE threshold whose classifier-made contradictions are precise enough."""
    best = (0.99, 0.0, -1.0)
    for max_con in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 1.0):
        for t in np.arange(0.30, 0.99, 0.02):
            f = _figures(_verdicts(proba, sigs, cosines, float(t), 1.01, max_con), y)
            if (
                f["duplicate_precision"] >= SAME_PRECISION
                and f["contradiction_merged_rate"] <= MAX_CONTRADICTIONS_MERGED
                and f["distinct_merged_rate"] <= MAX_DISTINCT_MERGED
            ):
                if f["duplicate_recall"] > best[2]:
                    best = (float(t), max_con, f["duplicate_recall"])
                break
    same_t, max_con, _ = best
    opp_t = 0.99
    for t in np.arange(0.34, 0.99, 0.01):
        f = _figures(_verdicts(proba, sigs, cosines, same_t, float(t), max_con), y)
        if f["opposite_precision"] >= OPPOSITE_PRECISION:
            opp_t = float(t)
            break
    figures = _figures(_verdicts(proba, sigs, cosines, same_t, opp_t, max_con), y)
    return round(same_t, 2), round(opp_t, 2), max_con, figures


def main() -> None:
    from sklearn.model_selection import GroupKFold  # type: ignore[import-untyped]

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, default=TRAIN)
    parser.add_argument("--out", type=Path, default=model.WEIGHTS)
    args = parser.parse_args()

    pairs = load_pairs(args.pairs)
    vectors = embed_statements([p.a for p in pairs] + [p.b for p in pairs])
    rows, sigs, cosines = [], [], []
    for p in pairs:
        features, s, cos = pair_features(p.a, p.b, vectors[p.a], vectors[p.b])
        rows.append(features)
        sigs.append(s)
        cosines.append(cos)
    x_full = np.vstack(rows)
    y = np.asarray([model.CLASSES.index(p.label) for p in pairs], dtype=np.int64)
    groups = _groups(pairs)
    folds = list(GroupKFold(n_splits=5).split(x_full, y, groups))
    print(f"{len(pairs)} pairs, {len(set(groups.tolist()))} statement groups")

    best: tuple[float, tuple[str, ...], float] | None = None
    for parts, c in CONFIGS:
        x = _select(x_full, parts)
        proba = np.zeros((len(pairs), len(model.CLASSES)))
        for train, test in folds:
            proba[test] = _fit(x[train], y[train], c).predict_proba(x[test])
        same_t, opp_t, max_con, f = _thresholds(proba, sigs, cosines, y)
        score = f["duplicate_recall"] + 0.5 * f["contradiction_recall"]
        print(
            f"parts={'+'.join(parts) or 'scalar'} C={c}: same>={same_t} con<={max_con} "
            f"opp>={opp_t} " + " ".join(f"{k}={v:.3f}" for k, v in f.items())
        )
        if best is None or score > best[0]:
            best = (score, parts, c)
    assert best is not None
    _, parts, c = best
    x = _select(x_full, parts)
    proba = np.zeros((len(pairs), len(model.CLASSES)))
    for train, test in folds:
        proba[test] = _fit(x[train], y[train], c).predict_proba(x[test])
    same_t, opp_t, max_con, cv = _thresholds(proba, sigs, cosines, y)
    final = _fit(x, y, c)
    scaler, logistic = final[0], final[1]
    weights: dict[str, Any] = {
        "classes": list(model.CLASSES),
        "scalar_features": list(SCALAR_FEATURES),
        "embedding_parts": list(parts),
        "mean": [round(float(v), 7) for v in scaler.mean_],
        "scale": [round(float(v), 7) for v in scaler.scale_],
        "coef": [[round(float(v), 7) for v in row] for row in logistic.coef_],
        "intercept": [round(float(v), 7) for v in logistic.intercept_],
        "thresholds": {"same": same_t, "opposite": opp_t, "max_contradiction": max_con},
        "training": {
            "pairs": len(pairs),
            "C": c,
            "cross_validation": {k: round(v, 4) for k, v in cv.items()},
        },
    }
    args.out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    print(
        f"chose parts={'+'.join(parts) or 'scalar'} C={c} same>={same_t} "
        f"con<={max_con} opp>={opp_t}"
    )
    print(f"cross-validated: {json.dumps(weights['training']['cross_validation'])}")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
