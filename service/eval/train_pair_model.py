"""Train the merge judge's pair model: `python -m service.eval.train_pair_model`.

A cross-encoder made from the packaged all-MiniLM-L6-v2: its first three transformer
layers read both statements together ("[CLS] a [SEP] b [SEP]") and a linear head says
duplicate, contradiction or distinct. The word-embedding table stays frozen, so the
shipped file (`service/domain/merge/pair_model.onnx`, ONNX with int8 weights) holds only
the layers above it; at run time the table is read from the packaged model.

Data: the training pairs in service/eval/data/ (never the dev set or the sealed set).
Whole topic clusters are held out (`split`: 20 % of the groups, seeded): the model is
trained on the rest, in both orders; `tune_merge` then fits the feature classifier on the
same part and chooses the judge's thresholds on the held-out clusters. About 20 minutes
on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from service.domain.merge import pair_model
from service.eval.merge import Pair, load_pairs

DATA = Path(__file__).parent / "data"
TRAIN = sorted(DATA.glob("merge_train*.jsonl"))
LAYERS = 3
EPOCHS = 6
BATCH = 32
LEARNING_RATE = 8e-5
HELDOUT_SHARE = 0.2
SEED = 13

T = TypeVar("T")


def group_ids(pairs: list[Pair]) -> npt.NDArray[np.int64]:
    """Pairs that share a statement or a topic cluster get one group: no statement or
    cluster is both trained on and held out."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        parent[find(p.a)] = find(p.b)
        if p.group:
            parent[find("cluster:" + p.group)] = find(p.a)
    roots = {r: i for i, r in enumerate(sorted({find(p.a) for p in pairs}))}
    return np.asarray([roots[find(p.a)] for p in pairs], dtype=np.int64)


def split(pairs: list[Pair]) -> tuple[list[Pair], list[Pair]]:
    groups = group_ids(pairs)
    unique = sorted(set(groups.tolist()))
    random.Random(SEED).shuffle(unique)
    held = set(unique[: int(len(unique) * HELDOUT_SHARE)])
    train = [p for p, g in zip(pairs, groups, strict=True) if g not in held]
    heldout = [p for p, g in zip(pairs, groups, strict=True) if g in held]
    return train, heldout


def base_classifier(layers: int, num_labels: int, seed: int = SEED) -> tuple[Any, Any]:
    """The packaged all-MiniLM-L6-v2's tokenizer and its first `layers` transformer layers
    under a fresh `num_labels`-way head, the word-embedding table frozen (it is not
    exported: `pair_model.export`). Seeds torch and trains on 2 threads."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(seed)
    torch.set_num_threads(2)
    base = str(pair_model.base_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=num_labels)
    model.bert.encoder.layer = model.bert.encoder.layer[:layers]
    model.config.num_hidden_layers = layers
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)
    return tokenizer, model


def fine_tune(
    model: Any,
    batch_loss: Callable[[list[T]], Any],
    examples: Sequence[T],
    *,
    epochs: int = EPOCHS,
    batch_size: int = BATCH,
    learning_rate: float = LEARNING_RATE,
    seed: int = SEED,
    log_every: int = 0,
) -> None:
    """Train `model` on `examples`, `batch_loss` giving the loss of a batch of them:
    AdamW, linear warm-up over the first 10 % of the steps then linear decay, shuffled
    every epoch (`log_every`: also print the mean loss every so many steps). Leaves the
    model in eval mode."""
    import torch

    examples = list(examples)
    steps = epochs * ((len(examples) + batch_size - 1) // batch_size)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=learning_rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, step / (0.1 * steps)) * max(0.0, 1 - step / steps)
    )
    rng = random.Random(seed)
    model.train()
    started = time.perf_counter()
    step = 0
    for epoch in range(epochs):
        rng.shuffle(examples)
        total = recent = 0.0
        for start in range(0, len(examples), batch_size):
            batch = examples[start : start + batch_size]
            loss = batch_loss(batch)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += float(loss) * len(batch)
            recent += float(loss)
            step += 1
            if log_every and step % log_every == 0:
                print(
                    f"step {step}/{steps}: loss {recent / log_every:.4f} "
                    f"({time.perf_counter() - started:.0f}s)",
                    flush=True,
                )
                recent = 0.0
        print(
            f"epoch {epoch + 1}: loss {total / len(examples):.4f} "
            f"({time.perf_counter() - started:.0f}s)"
        )
    model.eval()


def pair_loss(
    model: Any, tokenizer: Any, max_tokens: int = pair_model.MAX_TOKENS
) -> Callable[[list[tuple[str, str, int]]], Any]:
    """The loss of a sequence classifier on a batch of (first text, second text, label
    index) examples."""

    def loss(batch: list[tuple[str, str, int]]) -> Any:
        import torch

        encoded = tokenizer(
            [a for a, _, _ in batch],
            [b for _, b, _ in batch],
            padding=True,
            truncation=True,
            max_length=max_tokens,
            return_tensors="pt",
        )
        target = torch.tensor([label for _, _, label in batch])
        return model(**encoded, labels=target).loss

    return loss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, nargs="+", default=TRAIN)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()

    tokenizer, model = base_classifier(LAYERS, len(pair_model.CLASSES))
    pairs = [pair for path in args.pairs for pair in load_pairs(path)]
    train, heldout = split(pairs)
    print(f"{len(train)} training pairs, {len(heldout)} held out (whole clusters)")
    labels = {name: i for i, name in enumerate(pair_model.CLASSES)}
    examples = [(p.a, p.b, labels[p.label]) for p in train] + [
        (p.b, p.a, labels[p.label]) for p in train
    ]
    fine_tune(model, pair_loss(model, tokenizer), examples, epochs=args.epochs)
    pair_model.export(model, pair_model.WEIGHTS)
    scorer = pair_model.PairModel.load(pair_model.WEIGHTS)
    correct = 0
    for p in heldout:
        probabilities = scorer.probabilities(p.a, p.b)
        correct += max(probabilities, key=lambda k: probabilities[k]) == p.label
    print(f"held-out accuracy {correct / max(1, len(heldout)):.3f}; wrote {pair_model.WEIGHTS}")


if __name__ == "__main__":
    main()
