"""The MCP tools: each one or two calls of the gRPC API, answered as JSON-able dicts.

Users are named as the product names them, `external_user_id` within a `scope`; the tools
resolve the self-model with GetOrCreateSelfModel, as a product's first call would. Writes
carry an idempotency key made once per tool call, so the channel's retries apply them once.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from google.protobuf.message import Message
from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from selfmodel.v1 import observation_pb2
from selfmodel.v1 import self_model_service_pb2 as messages
from service.mcp.backend import Backend, Reply, as_dict

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

    async def _call(
        self, ctx: Context, method: Callable[..., Awaitable[Reply]], request: Message
    ) -> Reply:
        return await self._backend.call(method, request, self._authorization(ctx))

    async def _for_user(
        self,
        ctx: Context,
        user: tuple[str, str],
        method: Callable[..., Awaitable[Message]],
        request_for: Callable[[str], Message],
    ) -> dict[str, Any]:
        """Resolves the model of `user` (external id, scope), then calls `method` with the
        request `request_for` makes for the model's name; the answer names the model."""
        external_user_id, scope = user
        model = await self._call(
            ctx,
            self._backend.stub.GetOrCreateSelfModel,
            messages.GetOrCreateSelfModelRequest(external_user_id=external_user_id, scope=scope),
        )
        response = await self._call(ctx, method, request_for(model.name))
        return {"self_model": model.name, **as_dict(response)}

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
        proposals = [
            observation_pb2.BeliefProposal(
                statement=belief.statement,
                stance=observation_pb2.Stance.Value(f"STANCE_{belief.stance.upper()}"),
                context=belief.context,
            )
            for belief in beliefs
        ]
        idempotency_key = str(uuid.uuid4())
        return await self._for_user(
            ctx,
            (external_user_id, scope),
            self._backend.stub.Observe,
            lambda name: messages.ObserveRequest(
                self_model=name,
                observation=observation_pb2.Observation(
                    type=observation_pb2.ObservationType.Value(f"OBSERVATION_TYPE_{type.upper()}"),
                    content=content,
                    context=context,
                    idempotency_key=idempotency_key,
                ),
                beliefs=proposals,
            ),
        )

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
        return await self._for_user(
            ctx,
            (external_user_id, scope),
            self._backend.stub.GetSelfModel,
            lambda name: messages.GetSelfModelRequest(
                name=name, context=context, min_confidence=min_confidence
            ),
        )

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
        return await self._for_user(
            ctx,
            (external_user_id, scope),
            self._backend.stub.RenderContext,
            lambda name: messages.RenderContextRequest(
                self_model=name,
                context=context,
                min_confidence=min_confidence,
                max_beliefs=max_beliefs,
            ),
        )

    async def get_adaptations(
        self, ctx: Context, external_user_id: UserId, scope: Scope, context: SituationContext = ""
    ) -> dict[str, Any]:
        """For each belief of the scope's inventory: whether it is active for this user and
        what the product should do (`apply`): the active side's rule, or the default."""
        return await self._for_user(
            ctx,
            (external_user_id, scope),
            self._backend.stub.GetAdaptations,
            lambda name: messages.GetAdaptationsRequest(self_model=name, context=context),
        )

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
        idempotency_key = str(uuid.uuid4())
        return await self._for_user(
            ctx,
            (external_user_id, scope),
            self._backend.stub.AssertBelief,
            lambda name: messages.AssertBeliefRequest(
                self_model=name,
                statement=statement,
                context=context,
                content=content,
                idempotency_key=idempotency_key,
            ),
        )

    async def retract_belief(
        self, ctx: Context, belief: BeliefName, content: UserWords = "", etag: Etag = ""
    ) -> dict[str, Any]:
        """The user says the belief is not them: it leaves reads and rendered context (its
        history stays) until they assert it."""
        request = messages.RetractBeliefRequest(
            belief=belief, content=content, etag=etag, idempotency_key=str(uuid.uuid4())
        )
        return as_dict(await self._call(ctx, self._backend.stub.RetractBelief, request))

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
        request = messages.CorrectBeliefRequest(
            belief=belief,
            statement=statement,
            content=content,
            etag=etag,
            idempotency_key=str(uuid.uuid4()),
        )
        return as_dict(await self._call(ctx, self._backend.stub.CorrectBelief, request))
