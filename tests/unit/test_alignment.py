from service.domain.alignment import NEUTRAL_ALIGNMENT, Prediction, updated_alignment


def test_confirming_confident_beliefs_raises_alignment() -> None:
    score = updated_alignment(NEUTRAL_ALIGNMENT, [Prediction(0.9, confirmed=True)] * 5, 0.1)
    assert score > 0.6


def test_contradicting_confident_beliefs_lowers_alignment() -> None:
    score = updated_alignment(NEUTRAL_ALIGNMENT, [Prediction(0.9, confirmed=False)] * 5, 0.1)
    assert score < 0.4


def test_unsure_beliefs_barely_move_it() -> None:
    confirmed = updated_alignment(NEUTRAL_ALIGNMENT, [Prediction(0.55, confirmed=True)], 0.1)
    assert NEUTRAL_ALIGNMENT < confirmed < NEUTRAL_ALIGNMENT + 0.01


def test_alignment_stays_a_probability() -> None:
    score = NEUTRAL_ALIGNMENT
    for _ in range(1000):
        score = updated_alignment(score, [Prediction(0.9999, confirmed=True)], 0.5)
    assert 0.0 <= score <= 1.0


def test_no_predictions_leave_it_unchanged() -> None:
    assert updated_alignment(0.42, [], 0.1) == 0.42
