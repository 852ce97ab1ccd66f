"""How one belief proposal changes the model: which beliefs it lands on, and how.

For each proposal the merge judge compares the statement with the model's candidate
beliefs (same context). The proposal then lands on the belief it is the same as
(reinforce, merge a paraphrase, or weaken when the stance is contradicts) or becomes a new
belief; a supported statement that is the opposite of existing beliefs also weakens them
and is linked to them as a conflict. Opposites are never merged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from service.domain.alignment import Prediction
from service.domain.confidence import (
    EvidenceModel,
    add_observation,
    confidence_of,
    observation_weight,
)
from service.domain.merge import Judgement, Verdict, judge_by_cosine, statement_key
from service.domain.model import (
    Belief,
    BeliefProposal,
    BeliefState,
    ChangeKind,
    Evidence,
    ObservationType,
    Stance,
)


@dataclass(frozen=True)
class Candidate:
    """An existing belief the proposal might be the same as, or the opposite of."""

    belief: Belief
    cosine: float
    """The cosine similarity of the belief's statement and the proposal's (embeddings)."""


@dataclass(frozen=True)
class LearnedFrom:
    """The inventory entry a belief was learned from, and which of its sides it states."""

    key: str
    favors_statement: bool
    """True when the belief states the entry's statement, False its opposite."""


@dataclass(frozen=True)
class PlannedChange:
    """What to write for one belief: a new belief (`target` None) or a new version of `target`."""

    target: Belief | None
    statement: str
    context: str
    kind: ChangeKind
    stance: Stance
    """How the observation bears on this belief: the evidence edge to draw."""
    weight: float
    previous_confidence: float
    evidence: Evidence
    confidence: float
    merged_statement: str | None
    """The paraphrase merged into the target, when the change is a merge."""
    conflicts_with: tuple[str, ...]
    """Ids of beliefs this belief is the opposite of."""
    reason: str
    state: BeliefState = BeliefState.ACTIVE
    learned_from: LearnedFrom | None = None
    """The inventory entry (and side) an inferred belief follows."""
    evidence_edge: bool = True
    """False for a change no evidence caused (an edited inventory entry restating it)."""

    @property
    def statement_changed(self) -> bool:
        return self.target is not None and self.target.statement != self.statement

    @property
    def version(self) -> int:
        return 1 if self.target is None else self.target.version + 1


@dataclass(frozen=True)
class ProposalPlan:
    changes: tuple[PlannedChange, ...]
    predictions: tuple[Prediction, ...]
    """Existing beliefs the observation tested, for the alignment score."""


@dataclass(frozen=True)
class ObservationFacts:
    """What the planning needs to know about the observation."""

    type: ObservationType
    occur_time: datetime
    now: datetime


Judge = Callable[[str, str, float], Judgement]
"""(existing statement, proposed statement, their embeddings' cosine) -> verdict."""


def planned_change(
    target: Belief | None,
    proposal: BeliefProposal,
    observation: ObservationFacts,
    evidence_model: EvidenceModel,
    *,
    stance: Stance,
    kind: ChangeKind,
    reason: str,
    conflicts_with: tuple[str, ...] = (),
    state: BeliefState | None = None,
) -> PlannedChange:
    """One change to `target` (or a new belief from `proposal`); `state` None keeps the state."""
    evidence = add_observation(
        None if target is None else target.evidence,
        stance,
        observation.type,
        observation.occur_time,
        observation.now,
        evidence_model,
    )
    if state is None:
        state = BeliefState.ACTIVE if target is None else target.state
    return PlannedChange(
        target=target,
        statement=proposal.statement if target is None else target.statement,
        context=proposal.context if target is None else target.context,
        kind=kind,
        stance=stance,
        weight=observation_weight(
            observation.type, observation.occur_time, observation.now, evidence_model
        ),
        previous_confidence=evidence_model.prior if target is None else target.confidence,
        evidence=evidence,
        confidence=confidence_of(evidence.weight, evidence_model),
        merged_statement=proposal.statement if kind is ChangeKind.MERGED else None,
        conflicts_with=conflicts_with,
        reason=reason,
        state=state,
    )


def _said_against(
    target: Belief,
    observation: ObservationFacts,
    evidence_model: EvidenceModel,
    *,
    kind: ChangeKind,
    reason: str,
    state: BeliefState | None = None,
) -> PlannedChange:
    """The user said `target` is wrong: evidence against it, its statement unchanged."""
    return planned_change(
        target,
        BeliefProposal(target.statement, Stance.CONTRADICTS, target.context),
        observation,
        evidence_model,
        stance=Stance.CONTRADICTS,
        kind=kind,
        reason=reason,
        state=state,
    )


def plan_retraction(
    target: Belief, observation: ObservationFacts, evidence_model: EvidenceModel
) -> PlannedChange:
    """The user says `target` is not them: evidence against it, and it leaves the reads."""
    return _said_against(
        target,
        observation,
        evidence_model,
        kind=ChangeKind.RETRACTED,
        reason="retracted by the user",
        state=BeliefState.RETRACTED,
    )


def plan_restatement(
    target: Belief, corrected: str, observation: ObservationFacts, evidence_model: EvidenceModel
) -> PlannedChange:
    """The user replaced `target`'s statement with `corrected`: evidence against `target`."""
    return _said_against(
        target,
        observation,
        evidence_model,
        kind=ChangeKind.RESTATED,
        reason=f"corrected by the user to {corrected!r}",
    )


def plan_proposal(
    proposal: BeliefProposal,
    candidates: Sequence[Candidate],
    observation: ObservationFacts,
    evidence_model: EvidenceModel,
    judge: Judge = judge_by_cosine,
    *,
    reactivate: bool = False,
) -> ProposalPlan:
    """`reactivate` (the user asserted the statement) makes a retracted target active again."""
    judged = [(c, judge(c.belief.statement, proposal.statement, c.cosine)) for c in candidates]
    same = max(
        ((c, j) for c, j in judged if j.verdict is Verdict.SAME),
        key=lambda pair: pair[1].score,
        default=None,
    )
    opposites = [(c, j) for c, j in judged if j.verdict is Verdict.OPPOSITE]
    conflicts = tuple(c.belief.id for c, _ in opposites)

    def change(
        target: Belief | None,
        stance: Stance,
        kind: ChangeKind,
        reason: str,
        conflicts_with: tuple[str, ...] = (),
    ) -> PlannedChange:
        return planned_change(
            target,
            proposal,
            observation,
            evidence_model,
            stance=stance,
            kind=kind,
            reason=reason,
            conflicts_with=conflicts_with,
            state=BeliefState.ACTIVE if reactivate and stance is Stance.SUPPORTS else None,
        )

    changes: list[PlannedChange] = []
    predictions: list[Prediction] = []
    if same is None:
        reason = "new statement" + (
            f"; opposite of {len(conflicts)} belief(s)" if conflicts else ""
        )
        changes.append(change(None, proposal.stance, ChangeKind.CREATED, reason, conflicts))
    else:
        target, judgement = same[0].belief, same[1]
        kind = _kind_on_same(proposal, target)
        changes.append(change(target, proposal.stance, kind, _why(judgement), conflicts))
        predictions.append(Prediction(target.confidence, proposal.stance is Stance.SUPPORTS))
    if proposal.stance is Stance.SUPPORTS:
        # Only an opposite about the same object in the same qualifiers is evidence
        # against the other belief; a looser one is linked as a conflict, no more.
        for candidate, judgement in opposites:
            if not judgement.same_subject:
                continue
            opposite = candidate.belief
            changes.append(
                change(opposite, Stance.CONTRADICTS, ChangeKind.WEAKENED, _why(judgement))
            )
            predictions.append(Prediction(opposite.confidence, confirmed=False))
    return ProposalPlan(changes=tuple(changes), predictions=tuple(predictions))


def _kind_on_same(proposal: BeliefProposal, target: Belief) -> ChangeKind:
    if proposal.stance is Stance.CONTRADICTS:
        return ChangeKind.WEAKENED
    if statement_key(proposal.statement) == statement_key(target.statement):
        return ChangeKind.REINFORCED
    return ChangeKind.MERGED


def _why(judgement: Judgement) -> str:
    return f"{judgement.verdict.value}: {judgement.reason}"
