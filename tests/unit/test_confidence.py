from datetime import UTC, datetime, timedelta

import pytest

from service.domain.confidence import (
    EvidenceModel,
    add_observation,
    confidence_of,
    observation_weight,
)
from service.domain.model import Evidence, ObservationType, Stance

MODEL = EvidenceModel()
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def observed(
    times: int,
    stance: Stance = Stance.SUPPORTS,
    kind: ObservationType = ObservationType.PREFERENCE,
    evidence: Evidence | None = None,
    model: EvidenceModel = MODEL,
) -> Evidence | None:
    for _ in range(times):
        evidence = add_observation(evidence, stance, kind, NOW, NOW, model)
    return evidence


def confidence(evidence: Evidence | None, model: EvidenceModel = MODEL) -> float:
    return confidence_of(0.0 if evidence is None else evidence.weight, model)


def test_no_evidence_means_the_prior() -> None:
    assert confidence(None) == MODEL.prior
    assert confidence(None, EvidenceModel(prior=0.3)) == pytest.approx(0.3)


def test_support_raises_and_contradiction_lowers() -> None:
    assert confidence(observed(1)) > MODEL.prior
    assert confidence(observed(1, Stance.CONTRADICTS)) < MODEL.prior


@pytest.mark.parametrize("kind", list(ObservationType))
def test_three_to_five_consistent_observations_cross_seventy_percent(
    kind: ObservationType,
) -> None:
    assert confidence(observed(5, kind=kind)) > 0.7


def test_one_preference_is_not_yet_conviction() -> None:
    assert confidence(observed(1)) < 0.7
    assert confidence(observed(3)) > 0.7


def test_confidence_stays_strictly_inside_zero_and_one() -> None:
    assert 0.0 < confidence(observed(200, Stance.CONTRADICTS, ObservationType.ANSWER)) < 0.01
    assert 0.99 < confidence(observed(200, kind=ObservationType.ANSWER)) < 1.0


def test_one_contradiction_after_many_supports_lowers_but_does_not_erase() -> None:
    established = observed(6)
    after = observed(1, Stance.CONTRADICTS, evidence=established)
    assert confidence(after) < confidence(established)
    assert confidence(after) > 0.7


def test_answers_weigh_more_than_corrections_more_than_clicks() -> None:
    assert (
        MODEL.weight(ObservationType.ANSWER)
        > MODEL.weight(ObservationType.CORRECTION)
        > MODEL.weight(ObservationType.INTERACTION)
    )


def test_evidence_halves_every_half_life() -> None:
    model = EvidenceModel(half_life=timedelta(days=30))
    old = NOW - timedelta(days=30)
    fresh_weight = observation_weight(ObservationType.ANSWER, NOW, NOW, model)
    assert observation_weight(ObservationType.ANSWER, old, NOW, model) == pytest.approx(
        fresh_weight / 2
    )
    evidence = add_observation(None, Stance.SUPPORTS, ObservationType.ANSWER, old, old, model)
    later = add_observation(evidence, Stance.SUPPORTS, ObservationType.INTERACTION, NOW, NOW, model)
    assert later.weight == pytest.approx(
        fresh_weight / 2 + model.weight(ObservationType.INTERACTION)
    )


def test_a_user_who_changes_is_followed() -> None:
    model = EvidenceModel(half_life=timedelta(days=30))
    long_ago = NOW - timedelta(days=365)
    evidence = None
    for _ in range(10):
        evidence = add_observation(
            evidence, Stance.SUPPORTS, ObservationType.PREFERENCE, long_ago, long_ago, model
        )
    for _ in range(3):
        evidence = add_observation(
            evidence, Stance.CONTRADICTS, ObservationType.PREFERENCE, NOW, NOW, model
        )
    assert confidence(evidence, model) < 0.3
