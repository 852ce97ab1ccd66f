"""Resource names in the API Improvement Proposals style.

`selfModels/{self_model_id}`, `selfModels/{id}/beliefs/{id}`,
`selfModels/{id}/observations/{id}`. Ids are lowercase UUIDs minted by the service.
"""

from __future__ import annotations

import re
import uuid

from service.domain.errors import InvalidArgument

_ID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_SELF_MODEL_NAME = re.compile(rf"selfModels/({_ID})")


def new_id() -> str:
    return str(uuid.uuid4())


def self_model_name(self_model_id: str) -> str:
    return f"selfModels/{self_model_id}"


def belief_name(self_model_id: str, belief_id: str) -> str:
    return f"{self_model_name(self_model_id)}/beliefs/{belief_id}"


def observation_name(self_model_id: str, observation_id: str) -> str:
    return f"{self_model_name(self_model_id)}/observations/{observation_id}"


def parse_self_model_name(name: str, field: str) -> str:
    """The self-model id in `name`, or INVALID_ARGUMENT naming `field`."""
    if not name:
        raise InvalidArgument.of(field, "required")
    match = _SELF_MODEL_NAME.fullmatch(name)
    if match is None:
        raise InvalidArgument.of(field, "must look like selfModels/{self_model_id}")
    return match.group(1)


_BELIEF_NAME = re.compile(rf"selfModels/({_ID})/beliefs/({_ID})")


def belief_version_name(self_model_id: str, belief_id: str, version: int) -> str:
    return f"{belief_name(self_model_id, belief_id)}/versions/{version}"


def parse_belief_name(name: str, field: str) -> tuple[str, str]:
    """(self-model id, belief id) in `name`, or INVALID_ARGUMENT naming `field`."""
    if not name:
        raise InvalidArgument.of(field, "required")
    match = _BELIEF_NAME.fullmatch(name)
    if match is None:
        raise InvalidArgument.of(
            field, "must look like selfModels/{self_model_id}/beliefs/{belief_id}"
        )
    return match.group(1), match.group(2)
