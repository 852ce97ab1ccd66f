import pytest

from service.domain.confidence import EvidenceModel, updated_confidence
from service.domain.model import ObservationType, Stance

EVIDENCE = EvidenceModel()


def repeat(confidence: float, stance: Stance, kind: ObservationType, times: int) -> float:
    for _ in range(times):
        confidence = updated_confidence(confidence, stance, EVIDENCE.weight(kind))
    return confidence


def test_support_raises_and_contradiction_lowers() -> None:
    weight = EVIDENCE.weight(ObservationType.PREFERENCE)
    assert updated_confidence(0.5, Stance.SUPPORTS, weight) > 0.5
    assert updated_confidence(0.5, Stance.CONTRADICTS, weight) < 0.5


@pytest.mark.parametrize("kind", list(ObservationType))
def test_consistent_evidence_crosses_seventy_percent_within_five_observations(
    kind: ObservationType,
) -> None:
    assert repeat(EVIDENCE.prior, Stance.SUPPORTS, kind, 5) > 0.7


def test_one_preference_is_not_yet_conviction() -> None:
    assert repeat(EVIDENCE.prior, Stance.SUPPORTS, ObservationType.PREFERENCE, 1) < 0.7


def test_confidence_stays_strictly_inside_zero_and_one() -> None:
    high = repeat(0.5, Stance.SUPPORTS, ObservationType.ANSWER, 200)
    low = repeat(0.5, Stance.CONTRADICTS, ObservationType.ANSWER, 200)
    assert 0.0 < low < 0.01
    assert 0.99 < high < 1.0


def test_one_contradiction_after_many_supports_lowers_but_does_not_erase() -> None:
    established = repeat(0.5, Stance.SUPPORTS, ObservationType.PREFERENCE, 6)
    after = repeat(established, Stance.CONTRADICTS, ObservationType.PREFERENCE, 1)
    assert after < established
    assert after > 0.7


def test_direct_answers_weigh_more_than_corrections_more_than_clicks() -> None:
    assert (
        EVIDENCE.weight(ObservationType.ANSWER)
        > EVIDENCE.weight(ObservationType.CORRECTION)
        > EVIDENCE.weight(ObservationType.INTERACTION)
    )
