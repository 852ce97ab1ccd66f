"""Input rules for every call; a request breaking one gets INVALID_ARGUMENT and writes nothing."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from service.domain import limits
from service.domain.errors import FieldViolation, InvalidArgument
from service.domain.model import BeliefOrder, BeliefProposal, NewObservation

INVISIBLE = "contains invisible or bidirectional formatting characters"


def text_problem(value: str, max_bytes: int, *, required: bool, shown: bool = False) -> str | None:
    """What is wrong with a text field, if anything. `shown`: the text may be shown to a
    model or a person (RenderContext): invisible and bidirectional formatting characters
    (zero-width spaces and joiners, bidi overrides and isolates, line separators), which
    would make it read differently from what it holds, are refused too."""
    # Control characters first: str.strip() removes some of them (\x0b, \x1c...), so a
    # text of only those would otherwise pass as empty.
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r" for ch in value):
        return "contains control characters"
    if shown and any(unicodedata.category(ch) in ("Cf", "Zl", "Zp") for ch in value):
        return INVISIBLE
    if len(value.encode("utf-8")) > max_bytes:
        return f"longer than {max_bytes} bytes"
    if not value.strip():
        return "required" if required else None
    return None


def _check(
    violations: list[FieldViolation],
    field: str,
    value: str,
    max_bytes: int,
    *,
    required: bool,
    shown: bool = False,
) -> None:
    problem = text_problem(value, max_bytes, required=required, shown=shown)
    if problem is not None:
        violations.append(FieldViolation(field, problem))


def validate_user_key(external_user_id: str, scope: str) -> None:
    violations: list[FieldViolation] = []
    _check(
        violations, "external_user_id", external_user_id, limits.MAX_IDENTIFIER_BYTES, required=True
    )
    _check(violations, "scope", scope, limits.MAX_IDENTIFIER_BYTES, required=True)
    if violations:
        raise InvalidArgument(violations)


def validate_user_key_part(value: str, field: str) -> None:
    """A required identifier (scope, external user id) named `field`."""
    violations: list[FieldViolation] = []
    _check(violations, field, value, limits.MAX_IDENTIFIER_BYTES, required=True)
    if violations:
        raise InvalidArgument(violations)


def validate_context(context: str, field: str) -> None:
    violations: list[FieldViolation] = []
    _check(violations, field, context, limits.MAX_IDENTIFIER_BYTES, required=False, shown=True)
    if violations:
        raise InvalidArgument(violations)


def validate_min_confidence(value: float, field: str) -> None:
    if not 0.0 <= value <= 1.0:  # also rejects NaN
        raise InvalidArgument.of(field, "must be between 0 and 1")


def validate_observation(
    observation: NewObservation, proposals: list[BeliefProposal], now: datetime
) -> None:
    violations: list[FieldViolation] = []
    if observation.occur_time is not None and observation.occur_time > now + limits.CLOCK_SKEW:
        violations.append(FieldViolation("observation.occur_time", "must not be in the future"))
    _check(
        violations,
        "observation.content",
        observation.content,
        limits.MAX_CONTENT_BYTES,
        required=True,
    )
    _check(
        violations,
        "observation.context",
        observation.context,
        limits.MAX_IDENTIFIER_BYTES,
        required=False,
        shown=True,
    )
    _check(
        violations,
        "observation.idempotency_key",
        observation.idempotency_key,
        limits.MAX_IDENTIFIER_BYTES,
        required=False,
    )
    if len(proposals) > limits.MAX_PROPOSALS_PER_OBSERVATION:
        violations.append(
            FieldViolation(
                "beliefs", f"at most {limits.MAX_PROPOSALS_PER_OBSERVATION} per observation"
            )
        )
    for index, proposal in enumerate(proposals):
        _check(
            violations,
            f"beliefs[{index}].statement",
            proposal.statement,
            limits.MAX_STATEMENT_BYTES,
            required=True,
            shown=True,
        )
        _check(
            violations,
            f"beliefs[{index}].context",
            proposal.context,
            limits.MAX_IDENTIFIER_BYTES,
            required=False,
            shown=True,
        )
    if violations:
        raise InvalidArgument(violations)


def validate_user_statement(
    *, content: str, idempotency_key: str, statement: str | None, context: str
) -> None:
    """AssertBelief, RetractBelief and CorrectBelief: their own fields, by their own names."""
    violations: list[FieldViolation] = []
    _check(violations, "content", content, limits.MAX_CONTENT_BYTES, required=False)
    _check(
        violations, "idempotency_key", idempotency_key, limits.MAX_IDENTIFIER_BYTES, required=False
    )
    if statement is not None:
        _check(
            violations,
            "statement",
            statement,
            limits.MAX_STATEMENT_BYTES,
            required=True,
            shown=True,
        )
    _check(violations, "context", context, limits.MAX_IDENTIFIER_BYTES, required=False, shown=True)
    if violations:
        raise InvalidArgument(violations)


def validate_texts(fields: dict[str, tuple[str, int]]) -> None:
    """Optional texts: {field: (value, max bytes)}; every violation is reported at once."""
    violations: list[FieldViolation] = []
    for field, (value, max_bytes) in fields.items():
        _check(violations, field, value, max_bytes, required=False)
    if violations:
        raise InvalidArgument(violations)


def belief_order(order_by: str) -> BeliefOrder:
    """The ordering `order_by` names (case and spacing are forgiven); empty is the default."""
    normalized = " ".join(order_by.lower().split()) or BeliefOrder.CONFIDENCE_DESC.value
    try:
        return BeliefOrder(normalized)
    except ValueError:
        allowed = ", ".join(f"'{order.value}'" for order in BeliefOrder)
        raise InvalidArgument.of("order_by", f"must be one of {allowed}") from None


def bounded_count(value: int, field: str, default: int, maximum: int) -> int:
    """A requested count: 0 means `default`; negative or above `maximum` is refused."""
    if value < 0 or value > maximum:
        raise InvalidArgument.of(field, f"must be between 0 and {maximum}")
    return value or default


def validate_revision(value: int, field: str) -> None:
    if value < 0:
        raise InvalidArgument.of(field, "must not be negative")
