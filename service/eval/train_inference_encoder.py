"""Train the inference's stance model: `python -m service.eval.train_inference_encoder`.

A cross-encoder made from the packaged all-MiniLM-L6-v2, as the merge judge's pair model
(`train_pair_model`, whose helpers build, train and export it): its first three layers
read an observation's content with one side of an inventory entry ("[CLS] content [SEP]
side [SEP]"), their token states are averaged (`mean_pooled`) and a linear head scores
"speaks for this side" and "speaks against it". An entry's statement and opposite are
scored by the same network and combined into for / against / neither
(`stance_model.combine`), so the stance flips exactly when the sides are swapped. Ships as
`service/domain/inference/stance_model.onnx` (ONNX, int8 weights, no word embeddings).

Data: service/eval/data/inference_train/*_inventories.json with their *_observations.jsonl
(never the evaluation sets). Every entry that may learn from an observation (its type,
its context) makes an example: "for" or "against" when the observation is labeled with
that stance for the entry, "neither" otherwise. Training makes `ROUNDS` passes over the
"for" and "against" examples, each with a fresh `NEITHER_SHARE` of the "neither" ones
(four examples in five are "neither", most of them easy, and the machine is small); the
run-time "neither" logit gives back the odds of the full data.

First a model is trained on all but `HELDOUT_SCOPES` whole scopes (seeded) and, exported
as it ships, evaluated on them: per observation and eligible entry the stance is the
likelier of for and against when that probability reaches the threshold. Then the final
model is trained on every scope and written. About 20 minutes on 2 idle cores
(`--skip-heldout`: about 11).

    python -m service.eval.train_inference_encoder --evaluate INVENTORIES OBSERVATIONS

evaluates the shipped model on another labeled set (the format of `service.eval.inference`).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from service.domain.inference import stance_model
from service.domain.inference.stance_model import StanceModel, entry_sides, entry_text
from service.domain.inventory import BeliefInventory, InventoryEntry
from service.domain.merge import pair_model
from service.domain.model import Stance
from service.eval.inference import LabeledObservation, load_inventories, load_observations
from service.eval.train_pair_model import base_classifier, fine_tune

DATA = Path(__file__).parent / "data" / "inference_train"
LAYERS = 3
ROUNDS = 5
NEITHER_SHARE = stance_model.NEITHER_SHARE
BATCH = 32
LEARNING_RATE = 3e-4
HELDOUT_SCOPES = 5
SEED = 13
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
FOR, AGAINST, NEITHER = range(3)

Example = tuple[str, tuple[str, ...], int]
"""Observation content, the entry's sides (`entry_sides`), label."""


def load(data: Path) -> tuple[dict[str, BeliefInventory], list[LabeledObservation]]:
    """Every inventory file in `data` with the observations labeled against it."""
    inventories: dict[str, BeliefInventory] = {}
    observations: list[LabeledObservation] = []
    for path in sorted(data.glob("*_inventories.json")):
        inventories.update(load_inventories(path))
        name = path.name.removesuffix("_inventories.json") + "_observations.jsonl"
        observations += load_observations(path.with_name(name))
    return inventories, observations


def eligible(inventory: BeliefInventory, observation: LabeledObservation) -> list[InventoryEntry]:
    return [e for e in inventory.entries if e.learns_from(observation.type, observation.context)]


def label(observation: LabeledObservation, key: str) -> int:
    if (key, Stance.SUPPORTS) in observation.expected:
        return FOR
    if (key, Stance.CONTRADICTS) in observation.expected:
        return AGAINST
    return NEITHER


def examples(
    inventories: dict[str, BeliefInventory], observations: Iterable[LabeledObservation]
) -> list[Example]:
    return [
        (observation.content, entry_sides(entry), label(observation, entry.key))
        for observation in observations
        for entry in eligible(inventories[observation.scope], observation)
    ]


def heldout_scopes(scopes: Iterable[str]) -> set[str]:
    ordered = sorted(scopes)
    random.Random(SEED).shuffle(ordered)
    return set(ordered[:HELDOUT_SCOPES])


def rounds(training: Sequence[Example], count: int, share: float) -> list[Example]:
    """`count` rounds of every "for" and "against" example and a fresh `share` of the
    "neither" ones, one after the other (the trainer shuffles them all together)."""
    rng = random.Random(SEED)
    stances = [e for e in training if e[2] != NEITHER]
    neither = [e for e in training if e[2] == NEITHER]
    out: list[Example] = []
    for _ in range(count):
        out += stances + rng.sample(neither, round(share * len(neither)))
    return out


def mean_pooled(encoder: Any, outputs: int) -> Any:
    """A classifier over the mean of `encoder`'s token states (all-MiniLM-L6-v2 is trained
    to be read that way; its [CLS] state, which `base_classifier`'s head reads, hardly
    moves and learns far slower). Called as `pair_model.export` calls a classifier."""
    import torch
    from transformers.modeling_outputs import SequenceClassifierOutput

    class MeanPooled(torch.nn.Module):  # type: ignore[misc]  # torch is analysed as Any
        def __init__(self) -> None:
            super().__init__()
            encoder.pooler = None  # the [CLS] pooler, unused
            self.encoder = encoder
            self.config = encoder.config
            self.dropout = torch.nn.Dropout(encoder.config.hidden_dropout_prob)
            self.classifier = torch.nn.Linear(encoder.config.hidden_size, outputs)

        def forward(
            self,
            input_ids: Any = None,
            inputs_embeds: Any = None,
            attention_mask: Any = None,
            token_type_ids: Any = None,
        ) -> Any:
            hidden = self.encoder(
                input_ids=input_ids,
                inputs_embeds=inputs_embeds,
                attention_mask=attention_mask,
                token_type_ids=token_type_ids,
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            return SequenceClassifierOutput(logits=self.classifier(self.dropout(pooled)))

    return MeanPooled()


def stance_loss(model: Any, tokenizer: Any) -> Callable[[list[Example]], Any]:
    """Cross-entropy of the combined (for, against, neither) logits on a batch, each
    example read from each of its sides, as `StanceModel.probabilities` reads it."""
    import torch

    def loss(batch: list[Example]) -> Any:
        rows: list[tuple[str, str]] = []
        first: list[int] = []
        second: list[int] = []
        for content, sides, _ in batch:
            first.append(len(rows))
            second.append(len(rows) + 1 if len(sides) > 1 else -1)
            rows += [(content, side) for side in sides]
        encoded = tokenizer(
            [a for a, _ in rows],
            [b for _, b in rows],
            padding=True,
            truncation=True,
            max_length=stance_model.MAX_TOKENS,
            return_tensors="pt",
        )
        scores = model(**encoded).logits
        padded = torch.cat([scores, torch.zeros_like(scores[:1])])
        other = torch.tensor([i if i >= 0 else len(rows) for i in second])
        mine = torch.tensor(first)
        logits = torch.stack(
            [
                padded[mine, 0] + padded[other, 1],
                padded[mine, 1] + padded[other, 0],
                # 0 here, where NEITHER_SHARE of the "neither" examples are seen;
                # NEITHER_LOGIT at run time.
                torch.zeros(len(batch)),
            ],
            dim=1,
        )
        target = torch.tensor([stance for _, _, stance in batch])
        return torch.nn.functional.cross_entropy(logits, target)

    return loss


def train(
    inventories: dict[str, BeliefInventory],
    observations: Sequence[LabeledObservation],
    path: Path,
    layers: int,
    count: int,
) -> None:
    """Train a model on `observations` and export it to `path`."""
    tokenizer, classifier = base_classifier(layers, len(stance_model.CLASSES), SEED)
    model = mean_pooled(classifier.bert, 2)
    training = examples(inventories, observations)
    counts = np.bincount([stance for _, _, stance in training], minlength=3).tolist()
    schedule = rounds(training, count, NEITHER_SHARE)
    print(
        f"{len(training)} examples (for, against, neither: {counts}); "
        f"{len(schedule)} over {count} rounds"
    )
    fine_tune(
        model,
        stance_loss(model, tokenizer),
        schedule,
        epochs=1,
        batch_size=BATCH,
        learning_rate=LEARNING_RATE,
        seed=SEED,
        log_every=100,
    )
    pair_model.export(model, path)


def predict(
    model: StanceModel,
    inventories: dict[str, BeliefInventory],
    observations: Sequence[LabeledObservation],
) -> tuple[list[list[tuple[str, npt.NDArray[np.float64]]]], float]:
    """Per observation, (entry key, probabilities) of each eligible entry, one model run per
    observation as at run time; and the mean milliseconds per observation."""
    out = []
    started = time.perf_counter()
    for observation in observations:
        entries = eligible(inventories[observation.scope], observation)
        probabilities = model.probabilities([(observation.content, entry_text(e)) for e in entries])
        out.append([(e.key, p) for e, p in zip(entries, probabilities, strict=True)])
    elapsed = time.perf_counter() - started
    return out, 1000 * elapsed / max(1, len(observations))


def figures(
    observations: Sequence[LabeledObservation],
    predictions: Sequence[Sequence[tuple[str, npt.NDArray[np.float64]]]],
    threshold: float,
) -> dict[str, Any]:
    """Precision, recall and wrong-direction rate (per labeled stance) at `threshold`, as
    `service.eval.inference` counts them."""
    inferred = right = labeled = reversed_ = irrelevant = irrelevant_hit = 0
    for observation, scored in zip(observations, predictions, strict=True):
        got = set()
        for key, p in scored:
            if max(p[FOR], p[AGAINST]) >= threshold:
                got.add((key, Stance.SUPPORTS if p[FOR] >= p[AGAINST] else Stance.CONTRADICTS))
        inferred += len(got)
        right += len(got & observation.expected)
        labeled += len(observation.expected)
        for key, stance in observation.expected:
            flipped = Stance.CONTRADICTS if stance is Stance.SUPPORTS else Stance.SUPPORTS
            reversed_ += (key, flipped) in got
        if not observation.expected:
            irrelevant += 1
            irrelevant_hit += bool(got)
    return {
        "threshold": threshold,
        "precision": round(right / inferred, 4) if inferred else 0.0,
        "recall": round(right / labeled, 4) if labeled else 0.0,
        "wrong_direction": round(reversed_ / labeled, 4) if labeled else 0.0,
        "irrelevant_inferred": round(irrelevant_hit / irrelevant, 4) if irrelevant else 0.0,
        "inferred": inferred,
        "labeled": labeled,
    }


def report(
    model: StanceModel,
    inventories: dict[str, BeliefInventory],
    observations: Sequence[LabeledObservation],
) -> None:
    predictions, ms = predict(model, inventories, observations)
    print(f"{len(observations)} observations, {ms:.2f} ms per observation")
    print("threshold precision recall wrong-direction irrelevant-inferred inferred/labeled")
    for threshold in THRESHOLDS:
        f = figures(observations, predictions, threshold)
        print(
            f"{threshold:9.2f} {f['precision']:9.4f} {f['recall']:6.4f} "
            f"{f['wrong_direction']:15.4f} {f['irrelevant_inferred']:19.4f} "
            f"{f['inferred']}/{f['labeled']}"
        )
    for threshold in THRESHOLDS:
        print(json.dumps(figures(observations, predictions, threshold)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--layers", type=int, default=LAYERS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--skip-heldout", action="store_true", help="only train the final model")
    mode.add_argument("--heldout-only", action="store_true", help="do not write the model")
    mode.add_argument(
        "--evaluate",
        type=Path,
        nargs=2,
        metavar=("INVENTORIES", "OBSERVATIONS"),
        help="evaluate the shipped model on a labeled set; train nothing",
    )
    args = parser.parse_args()

    if args.evaluate:
        inventories = load_inventories(args.evaluate[0])
        report(StanceModel.load(), inventories, load_observations(args.evaluate[1]))
        return
    inventories, observations = load(args.data)
    started = time.perf_counter()
    if not args.skip_heldout:
        held = heldout_scopes(inventories)
        print(f"held out: {', '.join(sorted(held))}")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "heldout.onnx"
            train(
                inventories,
                [o for o in observations if o.scope not in held],
                path,
                args.layers,
                args.rounds,
            )
            report(
                StanceModel.load(path), inventories, [o for o in observations if o.scope in held]
            )
        print(f"held-out run: {time.perf_counter() - started:.0f}s", flush=True)
    if args.heldout_only:
        return
    train(inventories, observations, stance_model.WEIGHTS, args.layers, args.rounds)
    size = stance_model.WEIGHTS.stat().st_size
    print(f"wrote {stance_model.WEIGHTS} ({size / 1e6:.1f} MB)")
    print(f"total: {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
