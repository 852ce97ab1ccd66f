from datetime import UTC, datetime

from service.domain.beliefs import plan_change
from service.domain.confidence import EvidenceModel
from service.domain.model import Belief, BeliefProposal, ChangeKind, ObservationType, Stance

EVIDENCE = EvidenceModel()
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def belief(statement: str, confidence: float = 0.6, version: int = 3) -> Belief:
    return Belief(
        id="b1",
        self_model_id="m1",
        statement=statement,
        confidence=confidence,
        context="",
        version=version,
        create_time=NOW,
        update_time=NOW,
    )


def test_a_new_statement_creates_a_belief_from_the_prior() -> None:
    proposal = BeliefProposal("Prefers dark mode", Stance.SUPPORTS, "settings")
    change = plan_change(proposal, [], ObservationType.PREFERENCE, EVIDENCE)
    assert change.target is None
    assert change.kind is ChangeKind.CREATED
    assert change.version == 1
    assert change.previous_confidence == EVIDENCE.prior
    assert change.confidence > EVIDENCE.prior
    assert (change.statement, change.context) == ("Prefers dark mode", "settings")


def test_a_first_contradiction_creates_a_doubted_belief() -> None:
    proposal = BeliefProposal("Prefers dark mode", Stance.CONTRADICTS, "")
    change = plan_change(proposal, [], ObservationType.PREFERENCE, EVIDENCE)
    assert change.kind is ChangeKind.CREATED
    assert change.confidence < EVIDENCE.prior


def test_the_same_statement_reinforces_the_existing_belief() -> None:
    existing = belief("Prefers dark mode", confidence=0.6, version=3)
    proposal = BeliefProposal("prefers dark mode.", Stance.SUPPORTS, "")
    change = plan_change(proposal, [existing], ObservationType.ANSWER, EVIDENCE)
    assert change.target == existing
    assert change.kind is ChangeKind.REINFORCED
    assert change.version == 4
    assert change.statement == "Prefers dark mode"
    assert change.previous_confidence == 0.6
    assert change.confidence > 0.6
    assert change.weight == EVIDENCE.weight(ObservationType.ANSWER)


def test_a_contradiction_weakens_the_existing_belief() -> None:
    existing = belief("Prefers dark mode", confidence=0.8)
    proposal = BeliefProposal("Prefers dark mode", Stance.CONTRADICTS, "")
    change = plan_change(proposal, [existing], ObservationType.CORRECTION, EVIDENCE)
    assert change.kind is ChangeKind.WEAKENED
    assert change.confidence < 0.8


def test_a_different_statement_is_a_new_belief() -> None:
    existing = belief("Prefers dark mode")
    proposal = BeliefProposal("Prefers light mode", Stance.SUPPORTS, "")
    change = plan_change(proposal, [existing], ObservationType.PREFERENCE, EVIDENCE)
    assert change.target is None
