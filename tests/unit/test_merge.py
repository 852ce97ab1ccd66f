"""The merge judge on the hard cases: real all-MiniLM-L6-v2 embeddings, loaded once."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from service.domain.merge import Judgement, Verdict, judge, statement_key

Embed = Callable[[str], list[float]]


@pytest.fixture(scope="module")
def embed() -> Embed:
    from service.embeddings import OnnxEmbedder, packaged_model_path

    embedder = OnnxEmbedder(str(packaged_model_path()))
    cache: dict[str, list[float]] = {}

    def vector(text: str) -> list[float]:
        if text not in cache:
            cache[text] = embedder.embed_blocking([text])[0]
        return cache[text]

    return vector


def judged(embed: Embed, a: str, b: str) -> Judgement:
    forward = judge(a, b, embed(a), embed(b))
    backward = judge(b, a, embed(b), embed(a))
    assert forward.verdict is backward.verdict, f"asymmetric: {forward} / {backward}"
    assert 0.0 <= forward.score <= 1.0
    assert forward.reason
    return forward


def test_identical_statements_are_the_same_belief(embed: Embed) -> None:
    a, b = "Prefers concise output formats", "prefers concise  output formats."
    judgement = judge(a, b, embed(a), embed(b))
    assert judgement.verdict is Verdict.SAME
    assert judgement.score == 1.0


def test_statement_key_ignores_case_spacing_and_trailing_punctuation() -> None:
    assert statement_key("  Likes   Dark mode!! ") == "likes dark mode"
    assert statement_key("Likes dark mode") != statement_key("Likes light mode")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Prefers concise output formats", "Does not prefer concise output formats"),
        (
            "Cares more about security than performance",
            "Cares more about performance than security",
        ),
        ("Non-technical communicator", "Highly technical communicator"),
        ("Prefers Rust over Go for systems work", "Prefers Go over Rust for systems work"),
        ("Always backs up their laptop", "Never backs up their laptop"),
        ("Enjoys long bike rides", "Hates long bike rides"),
        ("Wants long log output", "Wants terse log output"),
        ("Reads the news only on paper", "Reads the news only online"),
        # a role against a negated activity of the same word family
        ("Is a pharmacist", "Has never worked in a pharmacy"),
        ("Is a carpenter", "Has never done any carpentry"),
        # "prefers X to Y" with gerunds on both sides is a comparison
        ("Prefers cycling to driving", "Prefers driving to cycling"),
        # "replaced" is against what it replaces
        ("Wants filler words replaced with plain statements", "Wants filler words kept in"),
        ("Checks the weather only once a day", "Checks the weather constantly"),
        # a different value for the same thing
        ("Goes to bed at 10pm", "Goes to bed at 2am"),
        ("Keeps notifications on", "Keeps notifications off"),
        # fear is an attitude against
        ("Enjoys flying", "Is terrified of flying"),
    ],
)
def test_opposites_are_never_merged(embed: Embed, a: str, b: str) -> None:
    judgement = judged(embed, a, b)
    assert judgement.verdict is Verdict.OPPOSITE, judgement


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Prefers concise output formats", "Likes short, to-the-point answers"),
        ("Does not like crowded trains", "Dislikes crowded trains"),
        ("The user prefers espresso", "Espresso is preferred by the user"),
        ("Likes jazz and blues", "Likes blues and jazz"),
        ("Seems to enjoy sci-fi novels", "Appears to like sci-fi novels"),
        # abbreviation, role noun against a sentence, comparatives
        ("Uses a VPN on public Wi-Fi", "Uses a virtual private network on public Wi-Fi"),
        ("Nurse", "Works as a nurse"),
        ("Prefers bigger monitors", "Likes larger screens"),
    ],
)
def test_paraphrases_are_merged(embed: Embed, a: str, b: str) -> None:
    judgement = judged(embed, a, b)
    assert judgement.verdict is Verdict.SAME, judgement


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Plays the trumpet", "Plays the flute"),
        ("Prefers meetings after lunch", "Prefers workouts after lunch"),
        ("Uses Python for scripting", "Collects stamps"),
        # converse roles
        ("Wants to learn Spanish", "Wants to teach Spanish"),
        # favors what the other ranks lower
        ("Prefers paying by card over cash", "Prefers paying with cash"),
        # kinds of one thing are not synonyms
        ("Has two cats", "Has two dogs"),
        ("Adopted a kitten last year", "Adopted a puppy last year"),
    ],
)
def test_different_beliefs_are_not_merged(embed: Embed, a: str, b: str) -> None:
    assert judged(embed, a, b).verdict is not Verdict.SAME


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # opposite-looking words about other topics, contexts or numbered things
        ("Prefers detailed answers about databases", "Prefers concise answers about billing"),
        ("Wants long explanations when debugging", "Wants short explanations when browsing docs"),
        ("Prefers concise answers about topic 3", "Prefers detailed answers about topic 7"),
    ],
)
def test_opposite_words_about_different_things_are_distinct(embed: Embed, a: str, b: str) -> None:
    judgement = judged(embed, a, b)
    assert judgement.verdict is Verdict.DISTINCT, judgement
    assert not judgement.same_subject


def test_an_opposite_about_the_same_thing_has_the_same_subject(embed: Embed) -> None:
    judgement = judged(embed, "Prefers concise answers", "Prefers detailed answers")
    assert judgement.verdict is Verdict.OPPOSITE, judgement
    assert judgement.same_subject


def test_a_judge_call_is_fast(embed: Embed) -> None:
    a, b = "Prefers concise output formats", "Likes short, to-the-point answers"
    va, vb = embed(a), embed(b)
    judge(a, b, va, vb)
    started = time.perf_counter()
    for _ in range(200):
        judge(a, b, va, vb)
    assert (time.perf_counter() - started) / 200 < 0.005
