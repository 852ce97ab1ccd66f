// Walks one user through the selfmodel API with the generated grpc-js client and checks
// every answer: create a self-model, observe twice, list the beliefs, render the context,
// and (with an API key) show that a call without the key is refused.
//
// Env: SELFMODEL_ADDRESS (default 127.0.0.1:50051), SELFMODEL_API_KEY (optional).
// Exit 0 with "OK: <n> checks passed"; exit 1 on a failed check or an RPC error.

import { randomBytes } from "node:crypto";

import {
  type CallOptions,
  type ClientUnaryCall,
  credentials,
  Metadata,
  type ServiceError,
  status,
} from "@grpc/grpc-js";

import { ChangeKind, changeKindToJSON, ObservationType, Stance } from "./gen/selfmodel/v1/observation";
import {
  GetOrCreateSelfModelRequest,
  GetSelfModelRequest,
  ListBeliefsRequest,
  ObserveRequest,
  RenderContextRequest,
  SelfModelServiceClient,
} from "./gen/selfmodel/v1/self_model_service";

const ADDRESS = process.env.SELFMODEL_ADDRESS || "127.0.0.1:50051";
const API_KEY = process.env.SELFMODEL_API_KEY ?? "";
const DEADLINE_MS = 30_000;
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

function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === "number";
}

/** A generated unary method, in the overload that takes metadata and call options. */
type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** Makes a unary call as a Promise, with a fresh per-call deadline. */
function unary<Req, Res>(
  client: SelfModelServiceClient,
  method: UnaryMethod<Req, Res>,
  request: Req,
  metadata: Metadata,
): Promise<Res> {
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, { deadline: Date.now() + DEADLINE_MS }, (error, response) =>
      error ? reject(error) : resolve(response),
    );
  });
}

async function run(client: SelfModelServiceClient): Promise<void> {
  // Every call carries `authorization: Bearer <key>` when a key is set.
  const auth = new Metadata();
  if (API_KEY) {
    auth.set("authorization", `Bearer ${API_KEY}`);
  }
  const userId = `example-typescript-${randomBytes(6).toString("hex")}`;

  // 1. GetOrCreateSelfModel, twice: the same model both times.
  const model = await unary(
    client,
    client.getOrCreateSelfModel,
    GetOrCreateSelfModelRequest.create({ externalUserId: userId, scope: SCOPE }),
    auth,
  );
  check(model.name.startsWith("selfModels/"), "name starting with selfModels/", model.name);
  check(model.externalUserId === userId, `external_user_id ${userId}`, model.externalUserId);
  check(model.scope === SCOPE, `scope ${SCOPE}`, model.scope);
  const again = await unary(
    client,
    client.getOrCreateSelfModel,
    GetOrCreateSelfModelRequest.create({ externalUserId: userId, scope: SCOPE }),
    auth,
  );
  check(again.name === model.name, `same name ${model.name} on the second call`, again.name);
  console.log(`1. GetOrCreateSelfModel(${userId}, ${SCOPE}) -> ${model.name} (same name on a second call)`);

  // 2. A preference that supports the statement creates the belief.
  const first = await unary(
    client,
    client.observe,
    ObserveRequest.fromPartial({
      selfModel: model.name,
      observation: {
        type: ObservationType.OBSERVATION_TYPE_PREFERENCE,
        content: "Asked for bullet points instead of paragraphs",
        context: "writing",
      },
      beliefs: [{ statement: STATEMENT, stance: Stance.STANCE_SUPPORTS }],
    }),
    auth,
  );
  check(first.beliefChanges.length === 1, "exactly 1 belief change", first.beliefChanges.length);
  const created = first.beliefChanges[0]!;
  const belief = created.belief;
  check(belief !== undefined, "a belief in the change", created);
  check(created.kind === ChangeKind.CHANGE_KIND_CREATED, "CHANGE_KIND_CREATED", changeKindToJSON(created.kind));
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
  const second = await unary(
    client,
    client.observe,
    ObserveRequest.fromPartial({
      selfModel: model.name,
      observation: {
        type: ObservationType.OBSERVATION_TYPE_FEEDBACK,
        content: "Said the last summary was too terse",
        context: "writing",
      },
      beliefs: [{ statement: STATEMENT, stance: Stance.STANCE_CONTRADICTS }],
    }),
    auth,
  );
  check(second.beliefChanges.length === 1, "exactly 1 belief change", second.beliefChanges.length);
  const weakened = second.beliefChanges[0]!;
  const after = weakened.belief;
  check(after !== undefined, "a belief in the change", weakened);
  check(after.name === belief.name, `same belief ${belief.name}`, after.name);
  check(weakened.kind === ChangeKind.CHANGE_KIND_WEAKENED, "CHANGE_KIND_WEAKENED", changeKindToJSON(weakened.kind));
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

  // 4. ListBeliefs shows that one belief at its latest confidence.
  const listed = await unary(client, client.listBeliefs, ListBeliefsRequest.create({ selfModel: model.name }), auth);
  check(listed.beliefs.length === 1, "exactly 1 belief", listed.beliefs.length);
  const only = listed.beliefs[0]!;
  check(only.name === belief.name, `belief ${belief.name}`, only.name);
  check(only.statement === STATEMENT, `statement "${STATEMENT}"`, only.statement);
  check(Math.abs(only.confidence - after.confidence) <= 1e-9, `confidence ${after.confidence}`, only.confidence);
  console.log(`4. ListBeliefs -> 1 belief: "${only.statement}" (${only.confidence.toFixed(4)})`);

  // 5. RenderContext: the text to put in a prompt, and the beliefs behind it.
  const rendered = await unary(
    client,
    client.renderContext,
    RenderContextRequest.create({ selfModel: model.name }),
    auth,
  );
  check(rendered.text.includes(STATEMENT), `text containing "${STATEMENT}"`, rendered.text);
  check(
    rendered.beliefs.some((b) => b.name === belief.name),
    `beliefs containing ${belief.name}`,
    rendered.beliefs.map((b) => b.name),
  );
  console.log(`5. RenderContext -> ${JSON.stringify(rendered.text)}`);

  // 6. An observation alone, with no proposals: the scope's belief inventory (here the
  // starter inventory) infers the belief it speaks for.
  const inferenceModel = await unary(
    client,
    client.getOrCreateSelfModel,
    GetOrCreateSelfModelRequest.create({ externalUserId: userId, scope: INFERENCE_SCOPE }),
    auth,
  );
  const observed = await unary(
    client,
    client.observe,
    ObserveRequest.fromPartial({
      selfModel: inferenceModel.name,
      observation: {
        type: ObservationType.OBSERVATION_TYPE_CORRECTION,
        content: INFERRED_CONTENT,
        context: "editor",
      },
    }),
    auth,
  );
  const inferred = observed.beliefChanges.find((c) => c.belief?.inventoryKey === "plain_language");
  check(
    inferred?.belief !== undefined,
    "a change of the inventory belief plain_language",
    `${observed.beliefChanges.length} other changes`,
  );
  check(inferred.belief.statement === INFERRED_STATEMENT, `statement "${INFERRED_STATEMENT}"`, inferred.belief.statement);
  check(inferred.belief.confidence > 0.5, "confidence above 0.5", inferred.belief.confidence);
  console.log(
    `6. Observe(correction ${JSON.stringify(INFERRED_CONTENT)}, no proposals) -> inferred ` +
      `${JSON.stringify(inferred.belief.statement)}, confidence ${inferred.belief.confidence.toFixed(4)}: ${inferred.reason}`,
  );

  // 7. Without the key the service refuses the call.
  if (API_KEY) {
    try {
      await unary(client, client.getSelfModel, GetSelfModelRequest.create({ name: model.name }), new Metadata());
      check(false, "UNAUTHENTICATED without the API key", "the self-model");
    } catch (err) {
      if (err instanceof CheckFailed || !isServiceError(err)) throw err;
      check(err.code === status.UNAUTHENTICATED, "UNAUTHENTICATED without the API key", status[err.code]);
      console.log(`7. GetSelfModel without the API key -> ${status[err.code]}: ${err.details}`);
    }
  } else {
    console.log("7. No API key set: skipped the call without a key");
  }
}

async function main(): Promise<number> {
  const client = new SelfModelServiceClient(ADDRESS, credentials.createInsecure());
  try {
    await run(client);
    console.log(`OK: ${checks} checks passed`);
    return 0;
  } catch (err) {
    if (err instanceof CheckFailed) {
      console.error(`FAILED: ${err.message}`);
    } else if (isServiceError(err)) {
      console.error(`RPC error: ${status[err.code] ?? err.code} (${err.code}): ${err.details}`);
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
