"""Inventory beliefs: one belief per entry that states the favored side, and adaptations."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest

from service.domain.adaptation import adaptation_for, render_adaptations
from service.domain.beliefs import LearnedFrom, ObservationFacts, PlannedChange
from service.domain.confidence import DEFAULT_WEIGHTS, EvidenceModel, confidence_of
from service.domain.inventory import Adaptation, InventoryEntry
from service.domain.learning import LearnedBelief, belief_context, plan_learning
from service.domain.model import Belief, BeliefState, ChangeKind, ObservationType, Stance

NOW = datetime(2026, 12, 2, tzinfo=UTC)
MODEL = EvidenceModel()
ENTRY = InventoryEntry(
    key="length",
    statement="Prefers concise answers",
    opposite="Prefers detailed answers",
    activation_threshold=0.7,
    adaptation=Adaptation(
        when_active="Be brief", when_opposite_active="Be thorough", default="Medium"
    ),
)


def _facts(kind: ObservationType = ObservationType.CORRECTION) -> ObservationFacts:
    return ObservationFacts(type=kind, occur_time=NOW, now=NOW)


def _apply(learned: LearnedBelief | None, stance: Stance, p: float = 1.0) -> PlannedChange:
    change = plan_learning(
        ENTRY,
        learned,
        stance=stance,
        probability=p,
        context="",
        facts=_facts(),
        model=MODEL,
        reason="because",
    )
    assert change is not None
    return change


def _landed(change: PlannedChange, version: int = 1) -> LearnedBelief:
    assert change.learned_from is not None
    belief = Belief(
        id="b",
        self_model_id="m",
        statement=change.statement,
        confidence=change.confidence,
        context=change.context,
        version=version,
        create_time=NOW,
        update_time=NOW,
        evidence=change.evidence,
        inventory_key=ENTRY.key,
    )
    return LearnedBelief(belief, change.learned_from)


def test_evidence_for_the_opposite_tips_the_belief_to_the_opposite_with_its_confidence() -> None:
    created = _apply(None, Stance.SUPPORTS)
    assert (created.kind, created.statement) == (ChangeKind.CREATED, ENTRY.statement)
    weakened = _apply(_landed(created), Stance.CONTRADICTS, p=0.5)
    assert weakened.kind is ChangeKind.WEAKENED and weakened.statement == ENTRY.statement
    restated = _apply(_landed(weakened, 2), Stance.CONTRADICTS)
    assert (restated.kind, restated.statement) == (ChangeKind.RESTATED, ENTRY.opposite)
    # One for (0.8), two against (0.4 + 0.8): the opposite holds with 0.4 of log-odds.
    assert restated.confidence == pytest.approx(confidence_of(0.4, MODEL))
    assert restated.stance is Stance.SUPPORTS  # the edge supports the belief as now stated
    assert restated.learned_from == LearnedFrom(ENTRY.key, favors_statement=False)
    back = _apply(_landed(restated, 3), Stance.SUPPORTS, p=0.25)
    assert back.kind is ChangeKind.WEAKENED and back.statement == ENTRY.opposite


def test_an_entry_without_opposite_only_loses_confidence() -> None:
    entry = InventoryEntry(key="python", statement="Mainly writes Python")
    change = plan_learning(
        entry,
        None,
        stance=Stance.CONTRADICTS,
        probability=1.0,
        context="",
        facts=_facts(),
        model=MODEL,
        reason="",
    )
    assert change is not None
    assert change.statement == entry.statement and change.confidence < 0.5


def test_an_edited_entry_restates_without_evidence_and_an_unchanged_one_is_left_alone() -> None:
    learned = _landed(_apply(None, Stance.SUPPORTS))
    same = plan_learning(
        ENTRY,
        learned,
        stance=None,
        probability=0.0,
        context="",
        facts=_facts(),
        model=MODEL,
        reason="",
    )
    assert same is None
    edited = InventoryEntry(key="length", statement="Likes short answers", opposite=ENTRY.opposite)
    restated = plan_learning(
        edited,
        learned,
        stance=None,
        probability=0.0,
        context="",
        facts=_facts(),
        model=MODEL,
        reason="revision 2",
    )
    assert restated is not None
    assert (restated.kind, restated.statement) == (ChangeKind.RESTATED, "Likes short answers")
    assert restated.confidence == pytest.approx(learned.belief.confidence)
    assert not restated.evidence_edge and "edited" in restated.reason


def test_a_per_context_entry_lives_in_the_observations_context() -> None:
    assert belief_context(ENTRY, "debugger") == ""
    situational = InventoryEntry(key="k", statement="s", per_context=True)
    assert belief_context(situational, "debugger") == "debugger"


@pytest.mark.parametrize(
    ("kind", "needed"),
    [
        (ObservationType.INTERACTION, 5),
        (ObservationType.PREFERENCE, 3),
        (ObservationType.FEEDBACK, 2),
        (ObservationType.CORRECTION, 2),
        (ObservationType.ANSWER, 1),
    ],
)
def test_consistent_observations_needed_to_activate_a_0_7_threshold(
    kind: ObservationType, needed: int
) -> None:
    """The figures docs/inference.md gives: surely inferred (p=1), same day."""
    learned = None
    for count in range(1, 10):
        change = plan_learning(
            ENTRY,
            learned,
            stance=Stance.SUPPORTS,
            probability=1.0,
            context="",
            facts=_facts(kind),
            model=MODEL,
            reason="",
        )
        assert change is not None
        learned = _landed(change, count)
        if change.confidence >= 0.7:
            break
    assert count == needed
    assert needed == math.ceil(math.log(0.7 / 0.3) / DEFAULT_WEIGHTS[kind])


def test_adaptation_is_the_default_while_cold_and_the_favored_rule_once_active() -> None:
    cold = adaptation_for(ENTRY, None, prior=0.5)
    assert (cold.active, cold.apply, cold.statement, cold.belief_id) == (
        False,
        "Medium",
        ENTRY.statement,
        None,
    )
    against = _landed(_apply(_landed(_apply(None, Stance.CONTRADICTS)), Stance.CONTRADICTS), 2)
    active = adaptation_for(ENTRY, against, prior=0.5)
    assert (active.active, active.apply, active.statement) == (True, "Be thorough", ENTRY.opposite)
    assert (
        render_adaptations([cold, active]) == "How to adapt to this user:\n- Be thorough (length)"
    )
    retracted = LearnedBelief(
        Belief(**{**against.belief.__dict__, "state": BeliefState.RETRACTED}), against.learned_from
    )
    assert adaptation_for(ENTRY, retracted, prior=0.5).apply == "Medium"
