"""Build the merge judge's training pairs: `python -m service.eval.make_merge_pairs`.

Two sources, both written for this project (nothing comes from the dev set):

* `data/merge_clusters.txt`: hand-written clusters of a belief, its paraphrases, its
  opposites and related-but-different beliefs, across many domains;
* templated families below: comparison swaps, negations, quantifier flips, exclusive
  choices, antonyms, active/passive, word order and hedges over word lists.

Writes `data/merge_train_pairs.jsonl` (lines of {"a", "b", "label", "kind"}),
deterministically.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from pathlib import Path

DATA = Path(__file__).parent / "data"
CLUSTERS = DATA / "merge_clusters.txt"
OUTPUT = DATA / "merge_train_pairs.jsonl"

Pair = tuple[str, str, str, str]


def _cluster_pairs(rng: random.Random) -> list[Pair]:
    blocks: list[dict[str, list[tuple[str, str]]]] = []
    current: dict[str, list[tuple[str, str]]] | None = None
    for raw in CLUSTERS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or (line.startswith("# ") and "|" not in line):
            continue
        mark, body = line[0], line[1:].strip()
        if mark == "=":
            current = {"base": [("", body)], "dup": [], "con": [], "dis": []}
            blocks.append(current)
            continue
        if current is None:
            continue
        kind, _, statement = body.partition("|")
        bucket = {"~": "dup", "!": "con", "#": "dis"}[mark]
        current[bucket].append((kind.strip(), statement.strip()))
    pairs: list[Pair] = []
    bases: list[str] = []
    for block in blocks:
        base = block["base"][0][1]
        bases.append(base)
        dups = block["dup"]
        for kind, text in dups:
            pairs.append((base, text, "duplicate", kind))
        for (k1, t1), (_, t2) in itertools.combinations(dups, 2):
            pairs.append((t1, t2, "duplicate", k1))
        for kind, text in block["con"]:
            pairs.append((base, text, "contradiction", kind))
            for _, dup in dups[:2]:
                pairs.append((dup, text, "contradiction", kind))
        for kind, text in block["dis"]:
            pairs.append((base, text, "distinct", kind))
            if dups:
                pairs.append((rng.choice(dups)[1], text, "distinct", kind))
    # Unrelated: beliefs of different clusters.
    for base in bases:
        other = rng.choice(bases)
        if other != base:
            pairs.append((base, other, "distinct", "unrelated"))
    return pairs


COMPARED = [
    ("remote work", "office work"),
    ("cats", "dogs"),
    ("Vim", "Emacs"),
    ("mountain trips", "beach holidays"),
    ("trains", "planes"),
    ("audiobooks", "printed books"),
    ("fiction", "nonfiction"),
    ("summer", "winter"),
    ("board games", "video games"),
    ("React", "Vue"),
    ("Kotlin", "Java"),
    ("speed", "quality"),
    ("flexibility", "stability"),
    ("privacy", "convenience"),
    ("price", "quality"),
    ("depth", "breadth"),
    ("theory", "practice"),
    ("clarity", "brevity"),
    ("email", "chat"),
    ("running", "cycling"),
    ("renting", "buying a home"),
    ("saving money", "spending on experiences"),
    ("walking", "driving"),
    ("handwritten notes", "typed notes"),
    ("bullet points", "paragraphs"),
    ("examples", "definitions"),
    ("libraries", "frameworks"),
    ("readability", "performance"),
    ("tests", "documentation"),
    ("small teams", "large organizations"),
    ("live concerts", "studio recordings"),
    ("homemade meals", "restaurant food"),
    ("team sports", "solo workouts"),
    ("GraphQL", "REST"),
    ("Android phones", "iPhones"),
    ("paper maps", "GPS navigation"),
    ("open offices", "private rooms"),
    ("classical music", "pop music"),
    ("watercolor", "oil paint"),
    ("spreadsheets", "databases"),
    ("depth-first explanations", "quick overviews"),
    ("salary", "work-life balance"),
    ("job security", "a higher salary"),
    ("coding alone", "pair programming"),
    ("sunrise runs", "evening runs"),
    ("showers", "baths"),
]
SWAP_FRAMES = [
    "Prefers {x} over {y}",
    "Prefers {x} to {y}",
    "Would rather have {x} than {y}",
    "Values {x} more than {y}",
    "Chooses {x} instead of {y}",
    "Likes {x} better than {y}",
    "Picks {x} rather than {y}",
    "Prioritizes {x} over {y}",
    "Cares more about {x} than about {y}",
    "Favors {x} over {y}",
]

OBJECTS = {
    "media": ["horror movies", "reality TV", "true crime podcasts", "jazz", "musicals", "anime"],
    "food": ["pineapple on pizza", "spicy snacks", "raw fish", "dark chocolate", "olives"],
    "work": ["pair programming", "early meetings", "open-plan offices", "code freezes"],
    "social": ["public speaking", "crowded places", "group chats", "small talk", "karaoke"],
    "tools": ["autocomplete", "voice assistants", "spreadsheets", "printed manuals", "wikis"],
    "outdoors": ["cold weather", "camping", "long walks", "gardening", "fishing"],
    "learning": ["flashcards", "online courses", "lectures", "study groups", "textbooks"],
    "design": ["rounded corners", "bright colors", "serif fonts", "animations", "icons"],
}
NEGATION_TEMPLATES = [
    ("Likes {o}", "Does not like {o}"),
    ("Wants {o}", "Doesn't want {o}"),
    ("Uses {o}", "Never uses {o}"),
    ("Enjoys {o}", "No longer enjoys {o}"),
    ("Is interested in {o}", "Is not interested in {o}"),
    ("Is comfortable with {o}", "Isn't comfortable with {o}"),
    ("Would like more {o}", "Would not like more {o}"),
]
ATTITUDE_TEMPLATES = [
    ("Loves {o}", "Hates {o}"),
    ("Enjoys {o}", "Can't stand {o}"),
    ("Is enthusiastic about {o}", "Is tired of {o}"),
    ("Likes {o}", "Avoids {o}"),
    ("Is a fan of {o}", "Finds {o} annoying"),
    ("Appreciates {o}", "Is put off by {o}"),
]
NEGATION_DUP_TEMPLATES = [
    ("Does not like {o}", "Dislikes {o}"),
    ("Is not a fan of {o}", "Dislikes {o}"),
    ("Doesn't enjoy {o}", "Finds {o} unpleasant"),
    ("Is not comfortable with {o}", "Is uncomfortable with {o}"),
    ("Doesn't want {o}", "Would rather avoid {o}"),
    ("Is not interested in {o}", "Is uninterested in {o}"),
]
SYNONYM_TEMPLATES = [
    ("Likes {o}", "Enjoys {o}"),
    ("Loves {o}", "Is a big fan of {o}"),
    ("Avoids {o}", "Stays away from {o}"),
    ("Dislikes {o}", "Is not fond of {o}"),
    ("Is into {o}", "Is keen on {o}"),
    ("Wants {o}", "Would like {o}"),
]
HEDGED = [
    ("Seems to like {o}", "Probably enjoys {o}", "duplicate"),
    ("Appears to enjoy {o}", "Seems fond of {o}", "duplicate"),
    ("Seems to like {o}", "Seems to dislike {o}", "contradiction"),
    ("Probably enjoys {o}", "Probably avoids {o}", "contradiction"),
    ("Seems to like {o}", "Seems to like {p}", "distinct"),
]
HABITS = [
    ("backs up their files", "back up their files"),
    ("reads the terms of service", "read the terms of service"),
    ("double-checks their work", "double-check their work"),
    ("takes the stairs", "take the stairs"),
    ("eats breakfast", "eat breakfast"),
    ("writes tests first", "write tests first"),
    ("locks their screen when leaving the desk", "lock their screen when leaving the desk"),
    ("tips at restaurants", "tip at restaurants"),
    ("proofreads emails before sending", "proofread emails before sending"),
    ("plans meals for the week", "plan meals for the week"),
    ("stretches before exercising", "stretch before exercising"),
    ("carries an umbrella", "carry an umbrella"),
]
CHOICES = [
    ("browser", ["Firefox", "Chrome", "Safari", "Edge"]),
    ("editor", ["Vim", "Emacs", "VS Code", "Sublime Text"]),
    ("cloud provider", ["AWS", "Azure", "Google Cloud"]),
    ("phone", ["an Android phone", "an iPhone"]),
    ("messaging app", ["WhatsApp", "Signal", "Telegram"]),
    ("note-taking app", ["Notion", "Obsidian", "Evernote"]),
    ("search engine", ["Google", "DuckDuckGo", "Bing"]),
    ("shell", ["bash", "zsh", "fish"]),
    ("laptop", ["a MacBook", "a ThinkPad", "a Chromebook"]),
    ("streaming service", ["Netflix", "Disney+", "Hulu"]),
]
EXCLUSIVE_FRAMES = [
    ("Uses only {x} as their {c}", "Uses only {y} as their {c}"),
    ("Exclusively uses {x} as a {c}", "Uses {y} as their sole {c}"),
    ("{X} is the only {c} they use", "{Y} is the only {c} they use"),
    ("Sticks to {x} as their {c} and nothing else", "Uses nothing but {y} as a {c}"),
]
EXCLUSIVE_DUPS = [
    ("Uses only {x} as their {c}", "{X} is the only {c} they use"),
    ("Exclusively uses {x} as a {c}", "Uses nothing but {x} as a {c}"),
]
ANTONYM_NOUNS = [
    ("short", "long", ["videos", "emails", "meetings", "articles", "podcasts"]),
    ("formal", "casual", ["emails", "language", "dress codes", "greetings"]),
    ("quiet", "loud", ["cafes", "neighborhoods", "offices", "restaurants"]),
    ("simple", "complex", ["recipes", "board games", "spreadsheets", "puzzles"]),
    ("cheap", "expensive", ["hotels", "wine", "gadgets", "restaurants"]),
    ("early", "late", ["flights", "dinners", "classes", "shifts"]),
    ("modern", "traditional", ["architecture", "furniture", "recipes", "weddings"]),
    ("fast", "slow", ["paced games", "paced courses", "tempo songs"]),
    ("strict", "flexible", ["schedules", "deadlines", "diets", "rules"]),
    ("structured", "spontaneous", ["vacations", "weekends", "study sessions"]),
    ("beginner", "advanced", ["courses", "tutorials", "yoga classes"]),
    ("detailed", "brief", ["summaries", "instructions", "reports", "changelogs"]),
    ("big", "small", ["teams", "companies", "cities", "parties"]),
    ("hot", "cold", ["showers", "drinks", "climates"]),
    ("public", "private", ["repositories", "profiles", "playlists"]),
    ("automatic", "manual", ["updates", "backups", "transmissions"]),
    ("online", "in-person", ["classes", "meetings", "doctor visits"]),
    ("synchronous", "asynchronous", ["standups", "code reviews", "interviews"]),
]
ANTONYM_FRAMES = ["Prefers {a} {n}", "Likes {a} {n}", "Wants {a} {n}", "Tends to choose {a} {n}"]
SYNONYM_ADJ = [
    ("short", "brief"),
    ("casual", "informal"),
    ("quiet", "peaceful"),
    ("simple", "uncomplicated"),
    ("cheap", "inexpensive"),
    ("big", "large"),
    ("detailed", "thorough"),
    ("fast", "quick"),
    ("modern", "contemporary"),
    ("strict", "rigid"),
]
QUESTIONS = [
    ("Often asks how to {v}", "Wants to learn how to {v}"),
    ("Keeps asking whether it is possible to {v}", "Wants to know if they can {v}"),
    ("Asks how to {v} every few days", "Is trying to figure out how to {v}"),
]
QUESTION_VERBS = [
    "speed up their laptop",
    "cook rice properly",
    "negotiate a raise",
    "set up a home network",
    "improve their sleep",
    "automate invoices",
    "export their contacts",
    "cancel their subscription",
    "merge two PDF files",
    "train their dog to sit",
]
SCOPES = [
    ("Prefers {x} for {s}", "Prefers {y} for {t}"),
    ("Uses {x} at work", "Uses {y} at home"),
    ("Is an expert in {s}", "Is a beginner in {t}"),
]
SCOPE_ITEMS = [
    ("Python", "Go", "data analysis", "command-line tools"),
    ("email", "chat", "client updates", "team banter"),
    ("Excel", "Google Sheets", "budgeting", "sharing with friends"),
    ("a bike", "the bus", "short trips", "rainy days"),
    ("Spanish", "English", "family calls", "work documents"),
    ("Zoom", "Slack huddles", "external meetings", "quick questions"),
    ("paper notebooks", "a tablet", "brainstorming", "reading papers"),
]
OVERLAP_UNRELATED = [
    ("Prefers dark chocolate", "Prefers dark color themes"),
    ("Is learning to drive", "Is learning to draw"),
    ("Loves Java the island", "Loves Java the programming language"),
    ("Plays bass in a band", "Goes bass fishing"),
    ("Keeps a running log of expenses", "Keeps a running log of workouts"),
    ("Wants cheaper phone plans", "Wants cheaper flights"),
    ("Reads Python documentation", "Reads about pythons at the zoo"),
    ("Watches the stock market closely", "Watches their cholesterol closely"),
    ("Is building a deck for the garden", "Is building a slide deck for investors"),
    ("Needs a new mouse for the computer", "Needs a trap for a mouse in the kitchen"),
    ("Tracks packages online", "Tracks their steps online"),
    ("Always books the cheapest hotel", "Always books the cheapest car rental"),
]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _template_pairs(rng: random.Random) -> list[Pair]:
    pairs: list[Pair] = []
    for x, y in COMPARED:
        f1, f2, f3 = rng.sample(SWAP_FRAMES, 3)
        pairs.append((f1.format(x=x, y=y), f2.format(x=y, y=x), "contradiction", "comparison-swap"))
        pairs.append((f1.format(x=x, y=y), f3.format(x=x, y=y), "duplicate", "comparison-same"))
        if rng.random() < 0.4:
            pairs.append(
                (f2.format(x=x, y=y), f3.format(x=y, y=x), "contradiction", "comparison-swap")
            )
    objects = [(d, o) for d, os in OBJECTS.items() for o in os]
    for domain, obj in objects:
        same_domain = [o for o in OBJECTS[domain] if o != obj]
        other = rng.choice(same_domain)
        a, b = rng.choice(NEGATION_TEMPLATES)
        pairs.append((a.format(o=obj), b.format(o=obj), "contradiction", "negation"))
        a, b = rng.choice(ATTITUDE_TEMPLATES)
        pairs.append((a.format(o=obj), b.format(o=obj), "contradiction", "opposite-attitude"))
        a, b = rng.choice(NEGATION_DUP_TEMPLATES)
        pairs.append((a.format(o=obj), b.format(o=obj), "duplicate", "negation-paraphrase"))
        a, b = rng.choice(SYNONYM_TEMPLATES)
        pairs.append((a.format(o=obj), b.format(o=obj), "duplicate", "synonym"))
        a, b, label = rng.choice(HEDGED)
        pairs.append((a.format(o=obj, p=other), b.format(o=obj, p=other), label, "hedged"))
        frame = rng.choice(["Likes {o}", "Avoids {o}", "Is curious about {o}", "Never tries {o}"])
        pairs.append(
            (frame.format(o=obj), frame.format(o=other), "distinct", "high-overlap-distinct")
        )
        pairs.append(
            (
                f"The user prefers {obj}",
                f"{_cap(obj)} are preferred by the user"
                if obj.endswith("s")
                else f"{_cap(obj)} is preferred by the user",
                "duplicate",
                "active-passive",
            )
        )
        pairs.append(
            (f"Likes {obj} and {other}", f"Likes {other} and {obj}", "duplicate", "word-order")
        )
        neg_attitude = rng.choice(ATTITUDE_TEMPLATES)
        pairs.append(
            (
                neg_attitude[1].format(o=obj),
                neg_attitude[1].format(o=other),
                "distinct",
                "high-overlap-distinct",
            )
        )
    for third, base in HABITS:
        pairs.append((f"Always {third}", f"Never {third}", "contradiction", "quantifier"))
        pairs.append((f"Rarely {third}", f"Almost always {third}", "contradiction", "quantifier"))
        pairs.append(
            (f"Always {third}", f"Makes a point to {base} every time", "duplicate", "synonym")
        )
        pairs.append(
            (f"Never {third}", f"Does not {base}, ever", "duplicate", "negation-paraphrase")
        )
    for (_, first), (_, second) in itertools.pairwise(HABITS):
        pairs.append((f"Always {first}", f"Always {second}", "distinct", "high-overlap-distinct"))
    for category, items in CHOICES:
        for x, y in itertools.combinations(items, 2):
            a, b = rng.choice(EXCLUSIVE_FRAMES)
            fill = {"x": x, "y": y, "X": _cap(x), "Y": _cap(y), "c": category}
            pairs.append((a.format(**fill), b.format(**fill), "contradiction", "exclusive-choice"))
            pairs.append((f"Uses {x}", f"Uses {y}", "distinct", "same-topic-distinct"))
        x = items[0]
        a, b = rng.choice(EXCLUSIVE_DUPS)
        fill = {"x": x, "X": _cap(x), "c": category}
        pairs.append((a.format(**fill), b.format(**fill), "duplicate", "paraphrase-high-overlap"))
    for good, bad, nouns in ANTONYM_NOUNS:
        for noun in nouns:
            f1, f2 = rng.sample(ANTONYM_FRAMES, 2)
            pairs.append(
                (f1.format(a=good, n=noun), f2.format(a=bad, n=noun), "contradiction", "antonym")
            )
        other_nouns = [n for n in nouns[1:]]
        pairs.append(
            (
                f"Prefers {good} {nouns[0]}",
                f"Prefers {good} {other_nouns[0]}",
                "distinct",
                "high-overlap-distinct",
            )
        )
    for word, synonym in SYNONYM_ADJ:
        noun = next(n for g, b, ns in ANTONYM_NOUNS for n in ns if word in (g, b))
        f1, f2 = rng.sample(ANTONYM_FRAMES, 2)
        pairs.append(
            (
                f1.format(a=word, n=noun),
                f2.format(a=synonym, n=noun),
                "duplicate",
                "paraphrase-high-overlap",
            )
        )
    for verb in QUESTION_VERBS:
        a, b = rng.choice(QUESTIONS)
        pairs.append((a.format(v=verb), b.format(v=verb), "duplicate", "question-to-statement"))
    for x, y, s, t in SCOPE_ITEMS:
        for a, b in SCOPES:
            pairs.append((a.format(x=x, s=s), b.format(y=y, t=t), "distinct", "scope-difference"))
    for a, b in OVERLAP_UNRELATED:
        pairs.append((a, b, "distinct", "lexical-overlap-unrelated"))
    return pairs


def build(seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, str]] = []
    for a, b, label, kind in _cluster_pairs(rng) + _template_pairs(rng):
        key = (min(a, b).casefold(), max(a, b).casefold())
        if a.casefold() == b.casefold() or key in seen:
            continue
        seen.add(key)
        if rng.random() < 0.5:
            a, b = b, a
        rows.append({"a": a, "b": b, "label": label, "kind": kind})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUTPUT)
    args = parser.parse_args()
    rows = build()
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["label"]] = counts.get(row["label"], 0) + 1
    print(f"{len(rows)} pairs -> {args.out}: {counts}")


if __name__ == "__main__":
    main()
