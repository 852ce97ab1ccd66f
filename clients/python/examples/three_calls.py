"""The three-call loop through `selfmodel_client`, checking every answer of the service.

Environment: SELFMODEL_ADDRESS (default 127.0.0.1:50051) and SELFMODEL_API_KEY (optional:
without it no key is sent and the UNAUTHENTICATED check is skipped). Exits 0 when every
check passed, 1 when the service answered wrongly or a call failed.
"""

from __future__ import annotations

import os
import secrets
import sys

from selfmodel_client import (
    BeliefChange,
    Observed,
    SelfModelClient,
    SelfModelError,
    UnauthenticatedError,
    contradicts,
    supports,
)

STATEMENT = "Prefers concise output formats"
SCOPE = "clients-example"
# A scope with no inventory of its own: the starter inventory infers from raw events.
INFERENCE_SCOPE = "clients-example-inference"
INFERRED_CONTENT = "Rewrote the technical explanation in everyday words"
INFERRED_STATEMENT = "Prefers plain language over jargon"


class CheckFailed(Exception):
    pass


class Checks:
    def __init__(self) -> None:
        self.passed = 0

    def expect(self, condition: bool, expected: str, got: object) -> None:
        if not condition:
            raise CheckFailed(f"{expected} / got {got!r}")
        self.passed += 1

    def single_change(self, observed: Observed) -> BeliefChange:
        self.expect(len(observed.changes) == 1, "one belief change", observed.changes)
        return observed.changes[0]


def run(address: str, api_key: str | None, checks: Checks) -> None:
    user_id = f"example-python-{secrets.token_hex(6)}"
    with SelfModelClient(address, api_key=api_key, timeout=30.0) as client:
        model = client.get_or_create(user_id, SCOPE)
        print(f"1. GetOrCreateSelfModel({user_id}, {SCOPE}) -> {model.name}")
        checks.expect(model.name.startswith("selfModels/"), "a selfModels/ name", model.name)
        checks.expect(model.external_user_id == user_id, "the user id echoed", model)
        checks.expect(model.scope == SCOPE, "the scope echoed", model.scope)
        again = client.get_or_create(user_id, SCOPE)
        checks.expect(again.name == model.name, "the same model on a second call", again.name)

        first = client.observe(
            model,
            "Asked for bullet points instead of paragraphs",
            type="preference",
            context="writing",
            beliefs=[supports(STATEMENT)],
        )
        created = checks.single_change(first)
        print(
            f"2. Observe(preference, supports) -> {created.kind} {created.belief.name}: "
            f"{created.previous_confidence:.4f} -> {created.belief.confidence:.4f}"
        )
        checks.expect(created.kind == "created", "kind created", created.kind)
        checks.expect(created.belief.statement == STATEMENT, STATEMENT, created.belief.statement)
        checks.expect(
            created.belief.confidence > created.previous_confidence,
            "confidence above the previous one",
            created,
        )
        checks.expect(created.belief.confidence > 0.5, "confidence above 0.5", created)

        second = client.observe(
            model,
            "Said the last summary was too terse",
            type="feedback",
            context="writing",
            beliefs=[contradicts(STATEMENT)],
        )
        weakened = checks.single_change(second)
        print(
            f"3. Observe(feedback, contradicts) -> {weakened.kind} {weakened.belief.name}: "
            f"{weakened.previous_confidence:.4f} -> {weakened.belief.confidence:.4f}, "
            f"version {weakened.belief.version}"
        )
        checks.expect(weakened.belief.name == created.belief.name, "the same belief", weakened)
        checks.expect(weakened.kind == "weakened", "kind weakened", weakened.kind)
        checks.expect(
            weakened.belief.confidence < created.belief.confidence, "confidence lower", weakened
        )
        checks.expect(
            abs(weakened.previous_confidence - created.belief.confidence) < 1e-9,
            "previous confidence = step 2's",
            weakened.previous_confidence,
        )
        checks.expect(weakened.belief.version == 2, "version 2", weakened.belief.version)

        beliefs = client.beliefs(model)
        print(f"4. ListBeliefs -> {[(b.statement, round(b.confidence, 4)) for b in beliefs]}")
        checks.expect(len(beliefs) == 1, "exactly one belief", beliefs)
        [belief] = beliefs
        checks.expect(belief.name == created.belief.name, "the same belief", belief.name)
        checks.expect(belief.statement == STATEMENT, STATEMENT, belief.statement)
        checks.expect(
            abs(belief.confidence - weakened.belief.confidence) < 1e-9,
            "step 3's confidence",
            belief.confidence,
        )

        rendered = client.render_context(model)
        print(f"5. RenderContext -> {rendered.text!r}")
        checks.expect(STATEMENT in rendered.text, f"the text to contain {STATEMENT!r}", rendered)
        checks.expect(
            belief.name in {b.name for b in rendered.beliefs}, "the belief listed", rendered
        )

        # An observation alone, with no proposals: the scope's belief inventory (here the
        # starter inventory) infers the belief it speaks for.
        learner = client.get_or_create(user_id, INFERENCE_SCOPE)
        observed = client.observe(learner, INFERRED_CONTENT, type="correction", context="editor")
        inferred = [c for c in observed.changes if c.belief.inventory_key == "plain_language"]
        checks.expect(len(inferred) == 1, "one change of plain_language", observed.changes)
        [change] = inferred
        print(
            f"6. Observe(correction {INFERRED_CONTENT!r}, no proposals) -> inferred "
            f"{change.belief.statement!r}, confidence {change.belief.confidence:.4f}: "
            f"{change.reason}"
        )
        checks.expect(
            change.belief.statement == INFERRED_STATEMENT,
            INFERRED_STATEMENT,
            change.belief.statement,
        )

    if api_key:
        with SelfModelClient(address, api_key=None, timeout=30.0) as keyless:
            try:
                keyless.get(model)
            except UnauthenticatedError as error:
                print(f"7. GetSelfModel without the API key -> {error}")
                checks.passed += 1
            else:
                raise CheckFailed("UNAUTHENTICATED without a key / got an answer")


def main() -> int:
    address = os.environ.get("SELFMODEL_ADDRESS") or "127.0.0.1:50051"
    checks = Checks()
    try:
        run(address, os.environ.get("SELFMODEL_API_KEY") or None, checks)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    except SelfModelError as error:
        print(f"RPC error: {error.code.name}: {error.message}", file=sys.stderr)
        return 1
    print(f"OK: {checks.passed} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
