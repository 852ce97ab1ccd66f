"""The read use cases the inspector calls, in memory: one tenant's models, beliefs,
versions, provenance and adaptations, each read checked against the caller's tenant."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from service.application.adapting import Adaptations
from service.application.common import SelfModelRef
from service.application.lifecycle import BeliefRead, SelfModelPage
from service.application.reading import BeliefListing, BeliefPage, VersionPage
from service.domain import names
from service.domain.adaptation import Adaptation
from service.domain.errors import NotFound
from service.domain.model import (
    Belief,
    BeliefState,
    BeliefVersion,
    ChangeKind,
    Evidence,
    EvidenceLink,
    Observation,
    ObservationType,
    Provenance,
    SelfModel,
)
from service.inspector.reads import Reads

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def model_of(external_user_id: str, scope: str) -> SelfModel:
    return SelfModel(
        id=names.new_id(),
        external_user_id=external_user_id,
        scope=scope,
        alignment_score=0.5,
        create_time=T0,
        update_time=T0,
    )


def observation(model: SelfModel, content: str, minutes: int) -> Observation:
    return Observation(
        id=names.new_id(),
        self_model_id=model.id,
        type=ObservationType.PREFERENCE,
        content=content,
        context="reports",
        occur_time=T0 + timedelta(minutes=minutes),
        idempotency_key="",
        create_time=T0 + timedelta(minutes=minutes),
    )


@dataclass
class StoredBelief:
    belief: Belief
    confidences: list[float]
    supporting: list[Observation] = field(default_factory=list)
    contradicting: list[Observation] = field(default_factory=list)

    def versions(self) -> list[BeliefVersion]:
        """Newest first, as ListBeliefVersions answers."""
        return [
            BeliefVersion(
                belief_id=self.belief.id,
                self_model_id=self.belief.self_model_id,
                version=number,
                statement=self.belief.statement,
                confidence=confidence,
                context=self.belief.context,
                kind=ChangeKind.CREATED if number == 1 else ChangeKind.REINFORCED,
                valid_from=T0 + timedelta(minutes=number),
                valid_to=None,
                observation_id="",
            )
            for number, confidence in reversed(list(enumerate(self.confidences, start=1)))
        ]


class FakeReads:
    """ModelReads, BeliefReads and AdaptationReads over the models of one tenant; records
    the tenant of every read."""

    def __init__(self, tenant: str) -> None:
        self.tenant = tenant
        self.models: dict[str, SelfModel] = {}
        self.beliefs: dict[str, StoredBelief] = {}
        self.adaptation_list: list[Adaptation] = []
        self.tenants_read: list[str] = []
        self.version_page_size = 200

    def add_model(self, external_user_id: str, scope: str) -> SelfModel:
        model = model_of(external_user_id, scope)
        self.models[model.id] = model
        return model

    def add_belief(
        self,
        model: SelfModel,
        statement: str,
        confidences: list[float],
        state: BeliefState = BeliefState.ACTIVE,
    ) -> StoredBelief:
        belief = Belief(
            id=names.new_id(),
            self_model_id=model.id,
            statement=statement,
            confidence=confidences[-1],
            context="reports",
            version=len(confidences),
            create_time=T0,
            update_time=T0,
            evidence=Evidence(weight=1.0, as_of=T0),
            state=state,
        )
        stored = StoredBelief(belief, confidences)
        self.beliefs[belief.id] = stored
        return stored

    def _model(self, tenant: str, self_model_id: str | None) -> SelfModel:
        self.tenants_read.append(tenant)
        if tenant != self.tenant or self_model_id not in self.models:
            raise NotFound(names.self_model_name(str(self_model_id)))
        return self.models[self_model_id]

    def _belief(self, tenant: str, belief_name: str) -> StoredBelief:
        model_id, belief_id = names.parse_belief_name(belief_name, "belief")
        self._model(tenant, model_id)
        if belief_id not in self.beliefs:
            raise NotFound(belief_name)
        return self.beliefs[belief_id]

    async def get(self, tenant: str, ref: SelfModelRef, read: BeliefRead) -> SelfModel:
        if ref.self_model_id is None:
            found = [
                m
                for m in self.models.values()
                if (m.scope, m.external_user_id) == (ref.scope, ref.external_user_id)
            ]
            ref = SelfModelRef(self_model_id=found[0].id if found else "missing")
        return self._model(tenant, ref.self_model_id)

    async def list(
        self, tenant: str, *, scope: str, page_size: int, page_token: str
    ) -> SelfModelPage:
        self.tenants_read.append(tenant)
        models = [m for m in self.models.values() if tenant == self.tenant]
        models = [m for m in models if not scope or m.scope == scope]
        start = int(page_token or 0)
        rest = models[start + page_size :]
        return SelfModelPage(
            tuple(models[start : start + page_size]), str(start + page_size) if rest else ""
        )

    async def list_beliefs(
        self,
        tenant: str,
        self_model_name: str,
        listing: BeliefListing,
        page_size: int,
        page_token: str,
    ) -> BeliefPage:
        model = self._model(tenant, names.parse_self_model_name(self_model_name, "self_model"))
        beliefs = [s.belief for s in self.beliefs.values() if s.belief.self_model_id == model.id]
        beliefs.sort(key=lambda b: -b.confidence)
        return BeliefPage(tuple(beliefs[:page_size]), "more" if beliefs[page_size:] else "")

    async def list_versions(
        self, tenant: str, belief_name: str, page_size: int, page_token: str
    ) -> VersionPage:
        versions = self._belief(tenant, belief_name).versions()
        size = min(page_size, self.version_page_size)
        start = int(page_token or 0)
        rest = versions[start + size :]
        return VersionPage(tuple(versions[start : start + size]), str(start + size) if rest else "")

    async def provenance(self, tenant: str, belief_name: str) -> Provenance:
        stored = self._belief(tenant, belief_name)
        return Provenance(
            belief=stored.belief,
            supporting=tuple(EvidenceLink(o, 0.4, "proposed") for o in stored.supporting),
            contradicting=tuple(EvidenceLink(o, 0.4, "proposed") for o in stored.contradicting),
            merged_statements=(),
            conflicting_beliefs=(),
        )

    async def adaptations(self, tenant: str, self_model_name: str, context: str) -> Adaptations:
        self._model(tenant, names.parse_self_model_name(self_model_name, "self_model"))
        return Adaptations(tuple(self.adaptation_list), 0)

    def reads(self) -> Reads:
        return Reads(models=self, beliefs=self, adaptations=self)


def adaptation(key: str, statement: str, confidence: float, *, active: bool) -> Adaptation:
    return Adaptation(
        key=key,
        statement=statement,
        confidence=confidence,
        active=active,
        activation_threshold=0.7,
        used_for="answers",
        apply="Use bullet points" if active else "Paragraphs",
        belief_id=None,
        context="",
    )
