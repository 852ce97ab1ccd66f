"""The MCP tools: each one or two calls of the gRPC API, answered as JSON-able dicts.

Users are named as the product names them, `external_user_id` within a `scope`; the tools
resolve the self-model with GetOrCreateSelfModel, as a product's first call would. Writes
carry an idempotency key made once per tool call, so the channel's retries apply them once.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from service.mcp.backend import Backend, as_dict

Authorization = Callable[[Context], str | None]
"""The `authorization` metadata value (`Bearer <key>`) for the call being served."""

UserId = Annotated[str, Field(description="The product's own id of the user.")]
Scope = Annotated[
    str, Field(description="The product or area the model is about, e.g. `acme-writer`.")
]
SituationContext = Annotated[
    str,
    Field(
        description="The situation, e.g. `report-settings`; empty for none. Beliefs without a "
        "context hold in every context."
    ),
]
MinConfidence = Annotated[
    float, Field(description="Leave out beliefs less confident than this (0 to 1).")
]
BeliefName = Annotated[
    str,
    Field(description="The belief's resource name, `selfModels/{id}/beliefs/{id}`, as listed."),
]
Etag = Annotated[
    str,
    Field(description="The belief's etag as read: the change then fails if it changed since."),
]
UserWords = Annotated[str, Field(description="What the user said, in their words, if known.")]

ObservationType = Literal["preference", "correction", "interaction", "answer", "feedback"]


class ProposedBelief(BaseModel):
    """A belief the observation speaks for or against."""

    statement: str = Field(description="The belief, e.g. `Prefers concise output formats`.")
    stance: Literal["supports", "contradicts"] = Field(
        "supports", description="Whether the observation supports or contradicts it."
    )
    context: str = Field("", description="The context it holds in; empty for every context.")


_READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
_WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)


class SelfModelTools:
    def __init__(self, backend: Backend, authorization: Authorization) -> None:
        self._backend = backend
        self._authorization = authorization

    def register(self, server: MCPServer[Any]) -> None:
        server.add_tool(self.observe, annotations=_WRITE)
        server.add_tool(self.get_beliefs, annotations=_READ_ONLY)
        server.add_tool(self.render_context, annotations=_READ_ONLY)
        server.add_tool(self.get_adaptations, annotations=_READ_ONLY)
        server.add_tool(self.assert_belief, annotations=_WRITE)
        server.add_tool(self.retract_belief, annotations=_WRITE)
        server.add_tool(self.correct_belief, annotations=_WRITE)

    async def _model(self, ctx: Context, external_user_id: str, scope: str) -> str:
        model = await self._backend.call(
            self._backend.stub.GetOrCreateSelfModel,
            messages.GetOrCreateSelfModelRequest(external_user_id=external_user_id, scope=scope),
            self._authorization(ctx),
        )
        return model.name

    async def observe(
        self,
        ctx: Context,
        external_user_id: UserId,
        scope: Scope,
        type: Annotated[  # the API's name for it
            ObservationType,
            Field(
                description="What kind of signal: a choice the user made (preference), an edit "
                "of the product's output (correction), something they did or asked "
                "(interaction), an answer to a question (answer), a rating (feedback)."
            ),
        ],
        content: Annotated[str, Field(description="What the user did, in one sentence.")],
        context: SituationContext = "",
        beliefs: Annotated[
            list[ProposedBelief],
            Field(
                description="Beliefs this observation supports or contradicts, if the caller "
                "has any; the scope's belief inventory is applied in any case."
            ),
        ] = [],  # noqa: B006 - never mutated; the SDK reads the default for the schema
    ) -> dict[str, Any]:
        """Record what a user did; the service updates its beliefs about the user and returns
        each belief change with its reason and the model's new alignment score."""
        name = await self._model(ctx, external_user_id, scope)
        response = await self._backend.call(
            self._backend.stub.Observe,
            messages.ObserveRequest(
                self_model=name,
                observation=observation_pb2.Observation(
                    type=observation_pb2.ObservationType.Value(f"OBSERVATION_TYPE_{type.upper()}"),
                    content=content,
                    context=context,
                    idempotency_key=str(uuid.uuid4()),
                ),
                beliefs=[
                    observation_pb2.BeliefProposal(
                        statement=belief.statement,
                        stance=observation_pb2.Stance.Value(f"STANCE_{belief.stance.upper()}"),
                        context=belief.context,
                    )
                    for belief in beliefs
                ],
            ),
            self._authorization(ctx),
        )
        return {"self_model": name, **as_dict(response)}

    async def get_beliefs(
        self,
        ctx: Context,
        external_user_id: UserId,
        scope: Scope,
        context: SituationContext = "",
        min_confidence: MinConfidence = 0.0,
    ) -> dict[str, Any]:
        """What the service believes about the user, most confident first, each with its
        confidence (0 to 1), context and resource name."""
        name = await self._model(ctx, external_user_id, scope)
        model = await self._backend.call(
            self._backend.stub.GetSelfModel,
            messages.GetSelfModelRequest(name=name, context=context, min_confidence=min_confidence),
            self._authorization(ctx),
        )
        return as_dict(model)

    async def render_context(
        self,
        ctx: Context,
        external_user_id: UserId,
        scope: Scope,
        context: SituationContext = "",
        min_confidence: MinConfidence = 0.0,
        max_beliefs: Annotated[
            int, Field(description="At most this many beliefs (0: the default, 20).")
        ] = 0,
    ) -> dict[str, Any]:
        """The beliefs about the user as a text block for a system prompt (`text`), with the
        adaptations that are active, and the beliefs and adaptations it was built from."""
        name = await self._model(ctx, external_user_id, scope)
        response = await self._backend.call(
            self._backend.stub.RenderContext,
            messages.RenderContextRequest(
                self_model=name,
                context=context,
                min_confidence=min_confidence,
                max_beliefs=max_beliefs,
            ),
            self._authorization(ctx),
        )
        return {"self_model": name, **as_dict(response)}

    async def get_adaptations(
        self, ctx: Context, external_user_id: UserId, scope: Scope, context: SituationContext = ""
    ) -> dict[str, Any]:
        """For each belief of the scope's inventory: whether it is active for this user and
        what the product should do (`apply`): the active side's rule, or the default."""
        name = await self._model(ctx, external_user_id, scope)
        response = await self._backend.call(
            self._backend.stub.GetAdaptations,
            messages.GetAdaptationsRequest(self_model=name, context=context),
            self._authorization(ctx),
        )
        return {"self_model": name, **as_dict(response)}

    async def assert_belief(
        self,
        ctx: Context,
        external_user_id: UserId,
        scope: Scope,
        statement: Annotated[str, Field(description="The belief the user stated.")],
        context: SituationContext = "",
        content: UserWords = "",
    ) -> dict[str, Any]:
        """The user stated this about themselves when asked: the strongest evidence. Also the
        only way to make a retracted belief active again."""
        name = await self._model(ctx, external_user_id, scope)
        response = await self._backend.call(
            self._backend.stub.AssertBelief,
            messages.AssertBeliefRequest(
                self_model=name,
                statement=statement,
                context=context,
                content=content,
                idempotency_key=str(uuid.uuid4()),
            ),
            self._authorization(ctx),
        )
        return {"self_model": name, **as_dict(response)}

    async def retract_belief(
        self, ctx: Context, belief: BeliefName, content: UserWords = "", etag: Etag = ""
    ) -> dict[str, Any]:
        """The user says the belief is not them: it leaves reads and rendered context (its
        history stays) until they assert it."""
        response = await self._backend.call(
            self._backend.stub.RetractBelief,
            messages.RetractBeliefRequest(
                belief=belief, content=content, etag=etag, idempotency_key=str(uuid.uuid4())
            ),
            self._authorization(ctx),
        )
        return as_dict(response)

    async def correct_belief(
        self,
        ctx: Context,
        belief: BeliefName,
        statement: Annotated[str, Field(description="The statement the user gives instead.")],
        content: UserWords = "",
        etag: Etag = "",
    ) -> dict[str, Any]:
        """The user replaces the belief's statement with their own: the old one is weakened,
        the new one asserted, and the two are linked."""
        response = await self._backend.call(
            self._backend.stub.CorrectBelief,
            messages.CorrectBeliefRequest(
                belief=belief,
                statement=statement,
                content=content,
                etag=etag,
                idempotency_key=str(uuid.uuid4()),
            ),
            self._authorization(ctx),
        )
        return as_dict(response)
