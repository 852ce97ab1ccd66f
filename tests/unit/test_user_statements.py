"""The pure rules behind RetractBelief, CorrectBelief and AssertBelief."""

from dataclasses import replace
from datetime import UTC, datetime

from service.domain.beliefs import (
    ObservationFacts,
    plan_proposal,
    plan_restatement,
    plan_retraction,
)
from service.domain.confidence import EvidenceModel
from service.domain.model import (
    BeliefProposal,
    BeliefState,
    ChangeKind,
    ObservationType,
    Stance,
)
from tests.unit.test_plan_proposal import belief, table_judge

MODEL = EvidenceModel()
NOW = datetime(2026, 1, 1, tzinfo=UTC)
ASSERTION = ObservationFacts(type=ObservationType.ASSERTION, occur_time=NOW, now=NOW)


def test_a_retraction_leaves_the_statement_and_takes_confidence_down() -> None:
    target = belief("Prefers dark mode").belief
    change = plan_retraction(target, ASSERTION, MODEL)
    assert change.target == target
    assert (change.kind, change.state, change.stance) == (
        ChangeKind.RETRACTED,
        BeliefState.RETRACTED,
        Stance.CONTRADICTS,
    )
    assert change.statement == target.statement
    assert change.confidence < target.confidence
    assert change.version == target.version + 1


def test_a_restatement_contradicts_the_old_belief_and_says_what_replaced_it() -> None:
    target = belief("Prefers dark mode").belief
    change = plan_restatement(target, "Prefers light mode", ASSERTION, MODEL)
    assert (change.kind, change.state) == (ChangeKind.RESTATED, BeliefState.ACTIVE)
    assert change.confidence < target.confidence
    assert "Prefers light mode" in change.reason


def test_supporting_a_retracted_belief_keeps_it_retracted_unless_asserted() -> None:
    retracted = replace(
        belief("Prefers dark mode"),
        belief=replace(belief("Prefers dark mode").belief, state=BeliefState.RETRACTED),
    )
    proposal = BeliefProposal("Prefers dark mode", Stance.SUPPORTS, "")
    observed = plan_proposal(proposal, [retracted], ASSERTION, MODEL, table_judge)
    asserted = plan_proposal(proposal, [retracted], ASSERTION, MODEL, table_judge, reactivate=True)
    assert observed.changes[0].state is BeliefState.RETRACTED
    assert asserted.changes[0].state is BeliefState.ACTIVE


def test_an_assertion_outweighs_every_other_observation_type() -> None:
    assert MODEL.weight(ObservationType.ASSERTION) > max(
        MODEL.weight(kind) for kind in ObservationType if kind is not ObservationType.ASSERTION
    )
