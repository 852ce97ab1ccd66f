// The client against a server that fails on purpose: retries (by the shipped service
// config, inside grpc-js), idempotency keys kept across them, deadlines, typed errors.

import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { Metadata, status } from "@grpc/grpc-js";
import {
  AbortedError,
  DeadlineExceededError,
  InvalidArgumentError,
  SelfModelClient,
  SERVICE_CONFIG,
  type ServiceConfig,
  UnavailableError,
} from "@selfmodel/client";

import { type Behaviour, type ScriptedServer, startScriptedServer } from "./scripted-server.js";

const MODEL = "selfModels/00000000-0000-0000-0000-000000000001";
const OBSERVATION = { type: "preference", content: "Asked for bullet points" } as const;
const observeRetry = SERVICE_CONFIG.methodConfig.find((config) =>
  config.name.some((name) => name.method === "Observe"),
)?.retryPolicy;

let server: ScriptedServer | undefined;
let client: SelfModelClient | undefined;

async function connect(
  behaviour: Behaviour,
  serviceConfig?: ServiceConfig,
): Promise<[SelfModelClient, ScriptedServer]> {
  server = await startScriptedServer(behaviour);
  client = new SelfModelClient(
    server.address,
    serviceConfig ? { apiKey: "smk_test", serviceConfig } : { apiKey: "smk_test" },
  );
  return [client, server];
}

afterEach(() => {
  client?.close();
  server?.stop();
  client = server = undefined;
});

test("the shipped service config retries Observe on UNAVAILABLE", () => {
  assert.ok(observeRetry, "Observe has a retryPolicy");
  assert.deepEqual(observeRetry.retryableStatusCodes, ["UNAVAILABLE"]);
  assert.ok(observeRetry.maxAttempts >= 3, `maxAttempts ${observeRetry.maxAttempts}`);
});

test("an observe failing with UNAVAILABLE is retried with the same idempotency key", async () => {
  const [client, server] = await connect({ failures: 2 });
  const observed = await client.observe(MODEL, OBSERVATION);
  assert.equal(observed.observation?.name, `${MODEL}/observations/1`);
  assert.equal(server.attempts.length, 3);
  const keys = new Set(server.attempts.map((attempt) => attempt.idempotencyKey));
  assert.equal(keys.size, 1, `one key on every attempt: ${[...keys].join(", ")}`);
  assert.match([...keys][0]!, /^[0-9a-f-]{36}$/);
  for (const attempt of server.attempts) {
    assert.deepEqual(attempt.metadata.get("authorization"), ["Bearer smk_test"]);
  }
});

test("two observes get two idempotency keys, and a given key is sent as it is", async () => {
  const [client, server] = await connect({});
  await client.observe(MODEL, OBSERVATION);
  await client.observe(MODEL, OBSERVATION);
  await client.observe(MODEL, { ...OBSERVATION, idempotencyKey: "my-key" });
  const [first, second, third] = server.attempts.map((attempt) => attempt.idempotencyKey);
  assert.notEqual(first, second);
  assert.equal(third, "my-key");
});

test("the consistency token of a reply is sent on the next calls", async () => {
  const [client, server] = await connect({});
  assert.equal(client.consistencyToken, undefined);
  await client.observe(MODEL, OBSERVATION);
  assert.equal(client.consistencyToken, "v1.token-1");
  await client.get(MODEL);
  assert.deepEqual(server.attempts[0]!.metadata.get("selfmodel-consistency-token"), []);
  assert.deepEqual(server.attempts[1]!.metadata.get("selfmodel-consistency-token"), ["v1.token-1"]);
  assert.equal(client.consistencyToken, "v1.token-2");
});

test("a status other than UNAVAILABLE is not retried", async () => {
  const [client, server] = await connect({ failures: 1, failWith: status.ABORTED });
  await assert.rejects(client.observe(MODEL, OBSERVATION), (error: unknown) => {
    assert.ok(error instanceof AbortedError, String(error));
    assert.equal(error.code, status.ABORTED);
    assert.equal(error.details, "scripted failure");
    return true;
  });
  assert.equal(server.attempts.length, 1);
});

test("status details that do not decode leave an error without field violations", async () => {
  const trailers = new Metadata();
  trailers.set("grpc-status-details-bin", Buffer.from([0x1a, 0x05, 0x0a]));
  const [client] = await connect({ failures: 1, failWith: status.INVALID_ARGUMENT, failureTrailers: trailers });
  await assert.rejects(client.observe(MODEL, OBSERVATION), (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, String(error));
    assert.deepEqual(error.fieldViolations, []);
    return true;
  });
});

test("retries stop after maxAttempts with UnavailableError", async () => {
  const [client, server] = await connect({ failures: 100 });
  await assert.rejects(client.observe(MODEL, OBSERVATION), UnavailableError);
  assert.equal(server.attempts.length, observeRetry?.maxAttempts);
});

test("a call past its deadline fails with DeadlineExceededError", async () => {
  const [client] = await connect({ delayMs: 3_000 });
  const started = Date.now();
  await assert.rejects(client.get(MODEL, { timeoutMs: 200 }), DeadlineExceededError);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 150 && elapsed < 2_000, `failed after ${elapsed} ms`);
});

function withTimeouts(timeout: string): ServiceConfig {
  return { ...SERVICE_CONFIG, methodConfig: SERVICE_CONFIG.methodConfig.map((config) => ({ ...config, timeout })) };
}

test("without a deadline of its own a call gets the service config's timeout", async () => {
  const [client] = await connect({ delayMs: 3_000 }, withTimeouts("0.3s"));
  const started = Date.now();
  await assert.rejects(client.get(MODEL), DeadlineExceededError);
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 250 && elapsed < 2_000, `failed after ${elapsed} ms`);
});

test("a call's own deadline may be longer than the service config's timeout", async () => {
  const [client] = await connect({ delayMs: 600 }, withTimeouts("0.2s"));
  assert.equal((await client.get(MODEL, { timeoutMs: 5_000 })).name, MODEL);
});
