// Walks one user through the selfmodel API with @selfmodel/client and checks every answer:
// create a self-model, observe twice, list the beliefs, render the context, observe without
// proposals, and (with an API key) show that a call without the key is refused.
//
// Env: SELFMODEL_ADDRESS (default 127.0.0.1:50051), SELFMODEL_API_KEY (optional).
// Exit 0 with "OK: <n> checks passed"; exit 1 on a failed check or an RPC error.

import { randomBytes } from "node:crypto";

import {
  type Belief,
  type BeliefChange,
  ChangeKind,
  changeKindToJSON,
  contradicts,
  type ObserveResponse,
  SelfModelClient,
  SelfModelError,
  supports,
  UnauthenticatedError,
} from "@selfmodel/client";

const ADDRESS = process.env.SELFMODEL_ADDRESS || "127.0.0.1:50051";
const API_KEY = process.env.SELFMODEL_API_KEY ?? "";
const TIMEOUT_MS = 30_000; // per call, retries included
const STATEMENT = "Prefers concise output formats";
const SCOPE = "clients-example";
// A scope with no inventory of its own: the starter inventory infers from raw events.
const INFERENCE_SCOPE = "clients-example-inference";
const INFERRED_CONTENT = "Rewrote the technical explanation in everyday words";
const INFERRED_STATEMENT = "Prefers plain language over jargon";

class CheckFailed extends Error {}

let checks = 0;

/** Counts a check; throws CheckFailed (printed as `FAILED: expected / got`) when it does not hold. */
function check(ok: boolean, expected: string, got: unknown): asserts ok {
  if (!ok) {
    throw new CheckFailed(`${expected} / ${typeof got === "string" ? got : JSON.stringify(got)}`);
  }
  checks++;
}

/** Checks that an observation changed exactly one belief, in the way `kind` says. */
function theOnlyChange(observed: ObserveResponse, kind: ChangeKind): [BeliefChange, Belief] {
  check(observed.beliefChanges.length === 1, "exactly 1 belief change", observed.beliefChanges.length);
  const change = observed.beliefChanges[0]!;
  check(change.belief !== undefined, "a belief in the change", change);
  check(change.kind === kind, changeKindToJSON(kind), changeKindToJSON(change.kind));
  return [change, change.belief];
}

async function run(client: SelfModelClient): Promise<void> {
  const userId = `example-typescript-${randomBytes(6).toString("hex")}`;

  // 1. GetOrCreateSelfModel, twice: the same model both times.
  const model = await client.getOrCreate(userId, SCOPE);
  check(model.name.startsWith("selfModels/"), "name starting with selfModels/", model.name);
  check(model.externalUserId === userId, `external_user_id ${userId}`, model.externalUserId);
  check(model.scope === SCOPE, `scope ${SCOPE}`, model.scope);
  const again = await client.getOrCreate(userId, SCOPE);
  check(again.name === model.name, `same name ${model.name} on the second call`, again.name);
  console.log(`1. GetOrCreateSelfModel(${userId}, ${SCOPE}) -> ${model.name} (same name on a second call)`);

  // 2. A preference that supports the statement creates the belief.
  const first = await client.observe(model, {
    type: "preference",
    content: "Asked for bullet points instead of paragraphs",
    context: "writing",
    beliefs: [supports(STATEMENT)],
  });
  const [created, belief] = theOnlyChange(first, ChangeKind.CHANGE_KIND_CREATED);
  check(belief.statement === STATEMENT, `statement "${STATEMENT}"`, belief.statement);
  check(
    belief.confidence > created.previousConfidence,
    `confidence above previous ${created.previousConfidence}`,
    belief.confidence,
  );
  check(belief.confidence > 0.5, "confidence above 0.5", belief.confidence);
  console.log(
    `2. Observe(preference, supports) -> ${changeKindToJSON(created.kind)} ${belief.name}: ` +
      `confidence ${created.previousConfidence.toFixed(4)} -> ${belief.confidence.toFixed(4)}, version ${belief.version}`,
  );

  // 3. Feedback that contradicts it weakens the same belief.
  const second = await client.observe(model, {
    type: "feedback",
    content: "Said the last summary was too terse",
    context: "writing",
    beliefs: [contradicts(STATEMENT)],
  });
  const [weakened, after] = theOnlyChange(second, ChangeKind.CHANGE_KIND_WEAKENED);
  check(after.name === belief.name, `same belief ${belief.name}`, after.name);
  check(after.confidence < belief.confidence, `confidence below ${belief.confidence}`, after.confidence);
  check(
    Math.abs(weakened.previousConfidence - belief.confidence) <= 1e-9,
    `previous confidence ${belief.confidence}`,
    weakened.previousConfidence,
  );
  check(after.version === 2, "version 2", after.version);
  console.log(
    `3. Observe(feedback, contradicts) -> ${changeKindToJSON(weakened.kind)} ${after.name}: ` +
      `confidence ${weakened.previousConfidence.toFixed(4)} -> ${after.confidence.toFixed(4)}, version ${after.version}`,
  );

  // 4. ListBeliefs (all pages) shows that one belief at its latest confidence.
  const listed: Belief[] = [];
  for await (const each of client.beliefs(model)) listed.push(each);
  check(listed.length === 1, "exactly 1 belief", listed.length);
  const only = listed[0]!;
  check(only.name === belief.name, `belief ${belief.name}`, only.name);
  check(only.statement === STATEMENT, `statement "${STATEMENT}"`, only.statement);
  check(Math.abs(only.confidence - after.confidence) <= 1e-9, `confidence ${after.confidence}`, only.confidence);
  console.log(`4. ListBeliefs -> 1 belief: "${only.statement}" (${only.confidence.toFixed(4)})`);

  // 5. RenderContext: the text to put in a prompt, and the beliefs behind it.
  const rendered = await client.renderContext(model);
  check(rendered.text.includes(STATEMENT), `text containing "${STATEMENT}"`, rendered.text);
  check(
    rendered.beliefs.some((b) => b.name === belief.name),
    `beliefs containing ${belief.name}`,
    rendered.beliefs.map((b) => b.name),
  );
  console.log(`5. RenderContext -> ${JSON.stringify(rendered.text)}`);

  // 6. An observation alone, with no proposals: the scope's belief inventory (here the
  // starter inventory) infers the belief it speaks for.
  const inferenceModel = await client.getOrCreate(userId, INFERENCE_SCOPE);
  const observed = await client.observe(inferenceModel, {
    type: "correction",
    content: INFERRED_CONTENT,
    context: "editor",
  });
  const inferred = observed.beliefChanges.find((c) => c.belief?.inventoryKey === "plain_language");
  check(
    inferred?.belief !== undefined,
    "a change of the inventory belief plain_language",
    `${observed.beliefChanges.length} other changes`,
  );
  check(
    inferred.belief.statement === INFERRED_STATEMENT,
    `statement "${INFERRED_STATEMENT}"`,
    inferred.belief.statement,
  );
  check(inferred.belief.confidence > 0.5, "confidence above 0.5", inferred.belief.confidence);
  console.log(
    `6. Observe(correction ${JSON.stringify(INFERRED_CONTENT)}, no proposals) -> inferred ` +
      `${JSON.stringify(inferred.belief.statement)}, confidence ${inferred.belief.confidence.toFixed(4)}: ${inferred.reason}`,
  );

  // 7. Without the key the service refuses the call.
  if (API_KEY) {
    const keyless = new SelfModelClient(ADDRESS, { timeoutMs: TIMEOUT_MS });
    try {
      await keyless.get(model);
      check(false, "UNAUTHENTICATED without the API key", "the self-model");
    } catch (err) {
      if (!(err instanceof SelfModelError)) throw err;
      check(err instanceof UnauthenticatedError, "UnauthenticatedError without the API key", err.name);
      console.log(`7. GetSelfModel without the API key -> ${err.name}: ${err.message}`);
    } finally {
      keyless.close();
    }
  } else {
    console.log("7. No API key set: skipped the call without a key");
  }
}

async function main(): Promise<number> {
  const client = new SelfModelClient(
    ADDRESS,
    API_KEY ? { apiKey: API_KEY, timeoutMs: TIMEOUT_MS } : { timeoutMs: TIMEOUT_MS },
  );
  try {
    await run(client);
    console.log(`OK: ${checks} checks passed`);
    return 0;
  } catch (err) {
    if (err instanceof CheckFailed) {
      console.error(`FAILED: ${err.message}`);
    } else if (err instanceof SelfModelError) {
      console.error(`RPC error: ${err.name}: ${err.message}`); // e.g. "UNAUTHENTICATED: ..."
    } else {
      console.error(`Error: ${err instanceof Error ? err.message : String(err)}`);
    }
    return 1;
  } finally {
    client.close();
  }
}

main().then((code) => {
  process.exitCode = code;
});
