// The client against the real service: SELFMODEL_ADDRESS and SELFMODEL_API_KEY (a key of a
// tenant of its own) come from the environment, as tests/integration/test_typescript_sdk.py
// sets them.

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";

import {
  AbortedError,
  type Belief,
  BeliefState,
  ChangeKind,
  contradicts,
  InvalidArgumentError,
  NotFoundError,
  SelfModelClient,
  type SelfModelError,
  UnauthenticatedError,
} from "@selfmodel/client";

const ADDRESS = process.env.SELFMODEL_ADDRESS ?? "";
const API_KEY = process.env.SELFMODEL_API_KEY ?? "";
const live = { skip: ADDRESS && API_KEY ? false : "SELFMODEL_ADDRESS and SELFMODEL_API_KEY are not set" };
// Its own inventory is empty, so only the proposed beliefs change (none are inferred).
const SCOPE = "typescript-sdk";
const STATEMENT = "Prefers concise output formats";

// Generous: the service shares its machine with the tests and may be slow to start.
const TIMEOUT_MS = 60_000;

let client: SelfModelClient;

before(async () => {
  if (live.skip) return;
  client = new SelfModelClient(ADDRESS, { apiKey: API_KEY, timeoutMs: TIMEOUT_MS });
  await client.applyInventory(SCOPE, []);
});

after(() => client?.close());

/** Asserts that `call` rejects with an error of `kind` and returns it. */
async function rejection<E extends SelfModelError>(
  call: Promise<unknown>,
  kind: new (...args: never[]) => E,
): Promise<E> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof kind, `${kind.name} expected, got ${String(error)}`);
    return error;
  }
  assert.fail(`${kind.name} expected, but the call succeeded`);
}

test("getOrCreate, observe and renderContext: the three calls", live, async () => {
  const userId = `ts-${randomUUID()}`;
  const model = await client.getOrCreate(userId, SCOPE);
  assert.match(model.name, /^selfModels\//);
  assert.equal((await client.getOrCreate(userId, SCOPE)).name, model.name);

  const first = await client.observe(model, {
    type: "preference",
    content: "Asked for bullet points",
    context: "writing",
    beliefs: [STATEMENT],
  });
  const [created] = first.beliefChanges;
  assert.equal(first.beliefChanges.length, 1);
  assert.equal(created?.kind, ChangeKind.CHANGE_KIND_CREATED);
  assert.ok(created.belief && created.belief.confidence > 0.5, `confidence ${created.belief?.confidence}`);
  assert.match(client.consistencyToken ?? "", /^v1\./, "a write's consistency token is kept");

  const second = await client.observe(model.name, {
    type: "feedback",
    content: "Said the last summary was too terse",
    context: "writing",
    beliefs: [contradicts(STATEMENT)],
  });
  const [weakened] = second.beliefChanges;
  assert.equal(weakened?.kind, ChangeKind.CHANGE_KIND_WEAKENED);
  assert.equal(weakened.belief?.name, created.belief.name);
  const confidence = weakened.belief?.confidence ?? 1;
  assert.ok(confidence < created.belief.confidence);

  const rendered = await client.renderContext(model, { context: "writing" });
  assert.ok(rendered.text.includes(STATEMENT), rendered.text);
  assert.deepEqual(
    rendered.beliefs.map((b) => b.name),
    [created.belief.name],
  );

  assert.equal((await client.get(model)).beliefs.length, 1);
  assert.equal((await client.get(model, { minConfidence: confidence + 0.01 })).beliefs.length, 0);
});

test("beliefs() iterates over every page of ListBeliefs", live, async () => {
  const model = await client.getOrCreate(`ts-${randomUUID()}`, SCOPE);
  const statements = [
    "Prefers dark mode in the editor",
    "Writes most code in Python",
    "Reads the answers on a phone",
    "Wants citations for factual claims",
    "Speaks German at work",
  ];
  const observed = await client.observe(model, {
    type: "preference",
    content: "Filled in the profile form",
    beliefs: statements,
  });
  const created = observed.beliefChanges.map((change) => change.belief?.name).sort();
  assert.equal(created.length, statements.length);

  const listed: Belief[] = [];
  for await (const belief of client.beliefs(model, { pageSize: 2 })) listed.push(belief);
  assert.deepEqual(listed.map((belief) => belief.name).sort(), created);
  assert.deepEqual(listed.map((belief) => belief.statement).sort(), [...statements].sort());
});

test("assertBelief, correctBelief and retractBelief change a belief by its etag", live, async () => {
  const model = await client.getOrCreate(`ts-${randomUUID()}`, SCOPE);
  const asserted = (await client.assertBelief(model, "Prefers tabs over spaces")).beliefChanges[0]?.belief;
  assert.ok(asserted, "the asserted belief");
  const corrected = (await client.correctBelief(asserted, "Prefers spaces over tabs")).beliefChanges.find(
    (change) => change.belief?.statement === "Prefers spaces over tabs",
  )?.belief;
  assert.ok(corrected, "the corrected belief");
  const retracted = (await client.retractBelief(corrected)).beliefChanges[0]?.belief;
  assert.equal(retracted?.state, BeliefState.BELIEF_STATE_RETRACTED);
  // The etag read before the correction no longer matches.
  await rejection(client.retractBelief(asserted), AbortedError);
});

test("applyInventory, inventory and adaptations", live, async () => {
  const scope = `ts-inventory-${randomUUID().slice(0, 8)}`;
  const applied = await client.applyInventory(scope, [
    {
      key: "response_style",
      statement: "Prefers concise answers",
      opposite: "Prefers detailed answers",
      learnedVia: ["preference", "feedback"],
      signalsFor: ["Asked for a shorter answer"],
      adaptation: { whenActive: "Answer in three lines", default: "Answer in a paragraph" },
    },
  ]);
  assert.equal(applied.scope, scope);
  assert.equal(applied.starter, false);
  const read = await client.inventory(scope);
  assert.equal(read.etag, applied.etag);
  assert.deepEqual(
    read.beliefs.map((belief) => belief.key),
    ["response_style"],
  );

  const model = await client.getOrCreate(`ts-${randomUUID()}`, scope);
  const [adaptation] = await client.adaptations(model);
  assert.equal(adaptation?.key, "response_style");
  assert.equal(adaptation.active, false);
  assert.equal(adaptation.apply, "Answer in a paragraph");
});

test("a bad request fails with InvalidArgumentError naming each bad field", live, async () => {
  const empty = await rejection(client.getOrCreate("", SCOPE), InvalidArgumentError);
  assert.deepEqual(
    empty.fieldViolations.map((violation) => violation.field),
    ["external_user_id"],
  );
  assert.ok(empty.fieldViolations[0]?.description);

  const inventory = await rejection(
    client.applyInventory(`ts-${randomUUID().slice(0, 8)}`, [{ key: "Not A Key", statement: "" }]),
    InvalidArgumentError,
  );
  const fields = inventory.fieldViolations.map((violation) => violation.field);
  assert.ok(
    fields.some((field) => field.endsWith("beliefs[0].key")),
    fields.join(", "),
  );
  assert.ok(
    fields.some((field) => field.endsWith("beliefs[0].statement")),
    fields.join(", "),
  );
});

test("a consistency token the service did not issue is refused, naming the metadata key", live, async () => {
  const forged = new SelfModelClient(ADDRESS, {
    apiKey: API_KEY,
    consistencyToken: "v1.not-a-token",
    timeoutMs: TIMEOUT_MS,
  });
  try {
    const model = await client.getOrCreate(`ts-${randomUUID()}`, SCOPE);
    const error = await rejection(forged.get(model), InvalidArgumentError);
    assert.deepEqual(
      error.fieldViolations.map((violation) => violation.field),
      ["selfmodel-consistency-token"],
    );
  } finally {
    forged.close();
  }
});

test("an unknown self-model fails with NotFoundError", live, async () => {
  await rejection(client.get(`selfModels/${randomUUID()}`), NotFoundError);
});

test("without a key, or with an unknown one, calls fail with UnauthenticatedError", live, async () => {
  for (const apiKey of [undefined, "smk_000000000000_not-a-key"]) {
    const keyless = new SelfModelClient(ADDRESS, {
      timeoutMs: TIMEOUT_MS,
      ...(apiKey === undefined ? {} : { apiKey }),
    });
    try {
      await rejection(keyless.getOrCreate(`ts-${randomUUID()}`, SCOPE), UnauthenticatedError);
    } finally {
      keyless.close();
    }
  }
});
