"""How one belief proposal changes the model: which belief it lands on, and how."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.confidence import EvidenceModel, updated_confidence
from service.domain.merge import Verdict, judge
from service.domain.model import Belief, BeliefProposal, ChangeKind, ObservationType, Stance


@dataclass(frozen=True)
class PlannedChange:
    """What to write for one proposal.

    A new belief when `target` is None, otherwise a new version of `target`.
    """

    target: Belief | None
    statement: str
    context: str
    kind: ChangeKind
    previous_confidence: float
    confidence: float
    weight: float
    stance: Stance

    @property
    def version(self) -> int:
        return 1 if self.target is None else self.target.version + 1


def plan_change(
    proposal: BeliefProposal,
    candidates: Sequence[Belief],
    observation_type: ObservationType,
    evidence: EvidenceModel,
) -> PlannedChange:
    """Decide the change one proposal causes, given existing beliefs of the same context."""
    weight = evidence.weight(observation_type)
    target = next(
        (c for c in candidates if judge(c.statement, proposal.statement).verdict is Verdict.SAME),
        None,
    )
    if target is None:
        return PlannedChange(
            target=None,
            statement=proposal.statement,
            context=proposal.context,
            kind=ChangeKind.CREATED,
            previous_confidence=evidence.prior,
            confidence=updated_confidence(evidence.prior, proposal.stance, weight),
            weight=weight,
            stance=proposal.stance,
        )
    kind = ChangeKind.REINFORCED if proposal.stance is Stance.SUPPORTS else ChangeKind.WEAKENED
    return PlannedChange(
        target=target,
        statement=target.statement,
        context=target.context,
        kind=kind,
        previous_confidence=target.confidence,
        confidence=updated_confidence(target.confidence, proposal.stance, weight),
        weight=weight,
        stance=proposal.stance,
    )
