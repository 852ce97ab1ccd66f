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
from pathlib import Path

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


def main() -> None:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=Path, nargs="+", default=TRAIN)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()

    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    base = str(pair_model.base_model_path())
    tokenizer = AutoTokenizer.from_pretrained(base)
    model = AutoModelForSequenceClassification.from_pretrained(
        base, num_labels=len(pair_model.CLASSES)
    )
    model.bert.encoder.layer = model.bert.encoder.layer[:LAYERS]
    model.config.num_hidden_layers = LAYERS
    model.bert.embeddings.word_embeddings.weight.requires_grad_(False)

    pairs = [pair for path in args.pairs for pair in load_pairs(path)]
    train, heldout = split(pairs)
    print(f"{len(train)} training pairs, {len(heldout)} held out (whole clusters)")
    examples = [(p.a, p.b, p.label) for p in train] + [(p.b, p.a, p.label) for p in train]
    labels = {name: i for i, name in enumerate(pair_model.CLASSES)}
    steps = args.epochs * ((len(examples) + BATCH - 1) // BATCH)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=LEARNING_RATE, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, step / (0.1 * steps)) * max(0.0, 1 - step / steps)
    )
    rng = random.Random(SEED)
    model.train()
    started = time.perf_counter()
    for epoch in range(args.epochs):
        rng.shuffle(examples)
        total = 0.0
        for start in range(0, len(examples), BATCH):
            batch = examples[start : start + BATCH]
            encoded = tokenizer(
                [a for a, _, _ in batch],
                [b for _, b, _ in batch],
                padding=True,
                truncation=True,
                max_length=pair_model.MAX_TOKENS,
                return_tensors="pt",
            )
            target = torch.tensor([labels[label] for _, _, label in batch])
            loss = model(**encoded, labels=target).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            schedule.step()
            optimizer.zero_grad()
            total += float(loss) * len(batch)
        print(
            f"epoch {epoch + 1}: loss {total / len(examples):.4f} "
            f"({time.perf_counter() - started:.0f}s)"
        )
    model.eval()
    pair_model.export(model, pair_model.WEIGHTS)
    scorer = pair_model.PairModel.load(pair_model.WEIGHTS)
    correct = 0
    for p in heldout:
        probabilities = scorer.probabilities(p.a, p.b)
        correct += max(probabilities, key=lambda k: probabilities[k]) == p.label
    print(f"held-out accuracy {correct / max(1, len(heldout)):.3f}; wrote {pair_model.WEIGHTS}")


if __name__ == "__main__":
    main()
