// A SelfModelService on grpc-js that fails on purpose: the first `failures` calls end with
// `failWith`, the next ones answer after `delayMs`. It records every attempt it receives.

import {
  type handleUnaryCall,
  Metadata,
  Server,
  ServerCredentials,
  type ServerErrorResponse,
  status,
} from "@grpc/grpc-js";
import { CONSISTENCY_TOKEN_KEY } from "@selfmodel/client";
import { SelfModel } from "@selfmodel/client/gen/selfmodel/v1/self_model";
import {
  type GetSelfModelRequest,
  type ObserveRequest,
  ObserveResponse,
  SelfModelServiceService,
} from "@selfmodel/client/gen/selfmodel/v1/self_model_service";

export interface Behaviour {
  failures?: number;
  failWith?: status;
  /** Trailing metadata of the failures. */
  failureTrailers?: Metadata;
  delayMs?: number;
}

export interface Attempt {
  method: string;
  metadata: Metadata;
  idempotencyKey: string;
}

export interface ScriptedServer {
  address: string;
  attempts: Attempt[];
  stop(): void;
}

export async function startScriptedServer(behaviour: Behaviour): Promise<ScriptedServer> {
  const { failures = 0, failWith = status.UNAVAILABLE, failureTrailers, delayMs = 0 } = behaviour;
  const attempts: Attempt[] = [];
  const timers = new Set<NodeJS.Timeout>();

  /** Records the attempt, then fails or (after the delay) answers with a consistency token. */
  function handler<Request, Response>(
    method: string,
    keyOf: (request: Request) => string,
    answer: (request: Request) => Response,
  ): handleUnaryCall<Request, Response> {
    return (call, callback) => {
      attempts.push({ method, metadata: call.metadata, idempotencyKey: keyOf(call.request) });
      if (attempts.length <= failures) {
        const error: ServerErrorResponse = { name: "ScriptedFailure", message: "scripted failure", code: failWith };
        if (failureTrailers) error.metadata = failureTrailers;
        callback(error);
        return;
      }
      const timer = setTimeout(() => {
        timers.delete(timer);
        const trailers = new Metadata();
        trailers.set(CONSISTENCY_TOKEN_KEY, `v1.token-${attempts.length}`);
        callback(null, answer(call.request), trailers);
      }, delayMs);
      timers.add(timer);
    };
  }

  const server = new Server();
  server.addService(SelfModelServiceService, {
    observe: handler<ObserveRequest, ObserveResponse>(
      "observe",
      (request) => request.observation?.idempotencyKey ?? "",
      (request) => ObserveResponse.fromPartial({ observation: { name: `${request.selfModel}/observations/1` } }),
    ),
    getSelfModel: handler<GetSelfModelRequest, SelfModel>(
      "getSelfModel",
      () => "",
      (request) => SelfModel.fromPartial({ name: request.name }),
    ),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    attempts,
    stop() {
      for (const timer of timers) clearTimeout(timer);
      server.forceShutdown();
    },
  };
}
