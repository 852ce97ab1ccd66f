from datetime import UTC, datetime

import pytest

from service.domain.beliefs import Candidate, ObservationFacts, ProposalPlan, plan_proposal
from service.domain.confidence import EvidenceModel, confidence_of
from service.domain.merge import Judgement, Verdict
from service.domain.model import (
    Belief,
    BeliefProposal,
    ChangeKind,
    Evidence,
    ObservationType,
    Stance,
)

MODEL = EvidenceModel()
NOW = datetime(2026, 1, 1, tzinfo=UTC)
FACTS = ObservationFacts(type=ObservationType.PREFERENCE, occur_time=NOW, now=NOW)
VERDICTS = {
    ("Prefers dark mode", "Prefers dark mode"): Verdict.SAME,
    ("Prefers dark mode", "Likes a dark theme"): Verdict.SAME,
    ("Prefers dark mode", "Prefers light mode"): Verdict.OPPOSITE,
    ("Prefers dark mode", "Prefers light mode when reading outdoors"): Verdict.OPPOSITE,
}
OTHER_SUBJECT = {("Prefers dark mode", "Prefers light mode when reading outdoors")}


def table_judge(existing: str, proposed: str, _cosine: float) -> Judgement:
    verdict = VERDICTS.get((existing, proposed), Verdict.DISTINCT)
    return Judgement(verdict, 0.9, "table", same_subject=(existing, proposed) not in OTHER_SUBJECT)


def belief(statement: str, belief_id: str = "b1", weight: float = 0.8) -> Candidate:
    return Candidate(
        Belief(
            id=belief_id,
            self_model_id="m1",
            statement=statement,
            confidence=confidence_of(weight, MODEL),
            context="",
            version=3,
            create_time=NOW,
            update_time=NOW,
            evidence=Evidence(weight, NOW),
        ),
        cosine=0.0,
    )


def plan(statement: str, stance: Stance, *candidates: Candidate) -> ProposalPlan:
    proposal = BeliefProposal(statement, stance, "")
    return plan_proposal(proposal, candidates, FACTS, MODEL, table_judge)


def test_a_new_statement_creates_a_belief_from_the_prior() -> None:
    [change] = plan("Writes in English", Stance.SUPPORTS, belief("Prefers dark mode")).changes
    assert change.target is None
    assert change.kind is ChangeKind.CREATED
    assert change.version == 1
    assert change.previous_confidence == MODEL.prior
    assert change.confidence > MODEL.prior
    assert change.conflicts_with == ()


def test_the_same_statement_reinforces_and_tests_a_prediction() -> None:
    existing = belief("Prefers dark mode")
    result = plan("Prefers dark mode", Stance.SUPPORTS, existing)
    [change] = result.changes
    assert change.target == existing.belief
    assert change.kind is ChangeKind.REINFORCED
    assert change.version == 4
    assert change.confidence > existing.belief.confidence
    assert [p.confirmed for p in result.predictions] == [True]


def test_a_paraphrase_merges_and_is_remembered() -> None:
    existing = belief("Prefers dark mode")
    [change] = plan("Likes a dark theme", Stance.SUPPORTS, existing).changes
    assert change.kind is ChangeKind.MERGED
    assert change.statement == "Prefers dark mode"
    assert change.merged_statement == "Likes a dark theme"


def test_contradicting_the_same_statement_weakens_it() -> None:
    existing = belief("Prefers dark mode")
    result = plan("Prefers dark mode", Stance.CONTRADICTS, existing)
    [change] = result.changes
    assert change.kind is ChangeKind.WEAKENED
    assert change.stance is Stance.CONTRADICTS
    assert change.confidence < existing.belief.confidence
    assert [p.confirmed for p in result.predictions] == [False]


def test_supporting_the_opposite_creates_it_weakens_the_first_and_links_them() -> None:
    existing = belief("Prefers dark mode")
    result = plan("Prefers light mode", Stance.SUPPORTS, existing)
    created, weakened = result.changes
    assert created.target is None
    assert created.statement == "Prefers light mode"
    assert created.conflicts_with == ("b1",)
    assert weakened.target == existing.belief
    assert weakened.kind is ChangeKind.WEAKENED
    assert weakened.stance is Stance.CONTRADICTS
    assert weakened.confidence < existing.belief.confidence
    assert weakened.confidence > MODEL.prior  # lowered, not erased
    assert [p.confirmed for p in result.predictions] == [False]


def test_an_opposite_about_another_subject_is_linked_but_weakens_nothing() -> None:
    existing = belief("Prefers dark mode")
    result = plan("Prefers light mode when reading outdoors", Stance.SUPPORTS, existing)
    [created] = result.changes
    assert created.kind is ChangeKind.CREATED
    assert created.conflicts_with == ("b1",)
    assert result.predictions == ()


def test_opposites_are_never_merged() -> None:
    existing = belief("Prefers dark mode")
    changes = plan("Prefers light mode", Stance.SUPPORTS, existing).changes
    assert all(c.kind is not ChangeKind.MERGED for c in changes)
    assert all(c.statement != "Prefers light mode" or c.target is None for c in changes)


def test_the_best_scoring_same_candidate_wins() -> None:
    first, second = belief("Prefers dark mode", "b1"), belief("Prefers dark mode", "b2")
    [change] = plan("Prefers dark mode", Stance.SUPPORTS, first, second).changes
    assert change.target is not None
    assert change.target.id == "b1"


@pytest.mark.parametrize("stance", list(Stance))
def test_every_change_records_the_observation_weight(stance: Stance) -> None:
    for change in plan("Prefers light mode", stance, belief("Prefers dark mode")).changes:
        assert change.weight == MODEL.weight(ObservationType.PREFERENCE)
