// SelfModelClient: the selfmodel calls as Promises, with the API key, the consistency
// token, deadlines, retries (the shared service config) and typed errors built in.

import { randomUUID } from "node:crypto";

import {
  type CallOptions as GrpcCallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientUnaryCall,
  credentials as grpcCredentials,
  InterceptingCall,
  type Interceptor,
  Metadata,
  type ServiceError,
} from "@grpc/grpc-js";

import { errorOf } from "./errors.js";
import type { Adaptation, BeliefInventory } from "./gen/selfmodel/v1/inventory.js";
import type { Belief, SelfModel } from "./gen/selfmodel/v1/self_model.js";
import {
  AssertBeliefRequest,
  CorrectBeliefRequest,
  GetAdaptationsRequest,
  GetBeliefInventoryRequest,
  GetOrCreateSelfModelRequest,
  GetSelfModelRequest,
  ListBeliefsRequest,
  type ObserveResponse,
  ObserveRequest,
  PutBeliefInventoryRequest,
  RenderContextRequest,
  type RenderContextResponse,
  RetractBeliefRequest,
  SelfModelServiceClient,
} from "./gen/selfmodel/v1/self_model_service.js";
import {
  type InventoryBeliefInput,
  inventoryBelief,
  type ModelRef,
  nameOf,
  type ObservationTypeName,
  observationType,
  type Proposal,
  proposal,
} from "./inputs.js";
import { SERVICE_CONFIG, type ServiceConfig, splitTimeouts } from "./service-config.js";

/** Metadata key of a consistency token: in a write's trailing metadata, sent by every call. */
export const CONSISTENCY_TOKEN_KEY = "selfmodel-consistency-token";
const LIST_PAGE_SIZE = 200; // the service's largest page

export interface SelfModelClientOptions {
  /** Sent as `authorization: Bearer <key>` on every call; none against `make run`. */
  apiKey?: string;
  /** `credentials.createSsl()` for TLS; plaintext without. */
  credentials?: ChannelCredentials;
  /** Start from another client's writes (same API key): see `consistencyToken`. */
  consistencyToken?: string;
  /** Default deadline of every call, in milliseconds from its start; without it, the
   * method's timeout in the service config (10 s; 30 s for deletions and inventories). */
  timeoutMs?: number;
  /** Replaces the shipped service config (timeouts and retry policy per method). */
  serviceConfig?: ServiceConfig;
  /** More grpc-js channel options (keepalive, message sizes, ...). */
  channelOptions?: ChannelOptions;
}

/** Per call. Without either, the client's `timeoutMs`, else the method's timeout in the
 * service config, sets the deadline. */
export interface CallOptions {
  /** When the call, with all its retries, must be done. */
  deadline?: Date | number;
  /** Milliseconds from now; `deadline` wins when both are set. */
  timeoutMs?: number;
}

export interface GetOptions extends CallOptions {
  context?: string;
  minConfidence?: number;
}

export interface ObserveOptions extends CallOptions {
  type: ObservationTypeName;
  content: string;
  context?: string;
  /** What the observation says for or against; a plain string supports its statement.
   * Without any, the scope's belief inventory infers what it speaks for. */
  beliefs?: readonly (string | Proposal)[];
  occurTime?: Date;
  /** Made up when not set; the channel's retries resend it, so a retry records once. */
  idempotencyKey?: string;
}

export interface BeliefsOptions extends GetOptions {
  orderBy?: string;
  showRetracted?: boolean;
  /** Beliefs per ListBeliefs page (default 200, the service's largest). */
  pageSize?: number;
}

export interface RenderContextOptions extends GetOptions {
  /** 0: the service's default of 20. */
  maxBeliefs?: number;
}

export interface WriteOptions extends CallOptions {
  /** The observation's text. */
  content?: string;
  idempotencyKey?: string;
}

/** A belief, or its resource name; with `etag`, the change applies only to that version. */
export type BeliefRef = string | { readonly name: string; readonly etag?: string };

type UnaryMethod<Request, Response> = (
  request: Request,
  metadata: Metadata,
  options: Partial<GrpcCallOptions>,
  callback: (error: ServiceError | null, response: Response) => void,
) => ClientUnaryCall;

/** A client of `selfmodel.v1.SelfModelService` on one channel; `close()` it when done.
 *
 * Read-your-writes: every call sends the consistency token of the newest write this client
 * saw, so a read sees that write whichever service instance and Neo4j member serves it. */
export class SelfModelClient {
  private readonly stub: SelfModelServiceClient;
  private readonly timeoutMs: (method: string) => number | undefined;
  private token: string | undefined;

  constructor(address: string, options: SelfModelClientOptions = {}) {
    this.token = options.consistencyToken;
    const { channelConfig, timeoutMs } = splitTimeouts(options.serviceConfig ?? SERVICE_CONFIG);
    this.timeoutMs = (method) => options.timeoutMs ?? timeoutMs(method);
    this.stub = new SelfModelServiceClient(address, options.credentials ?? grpcCredentials.createInsecure(), {
      "grpc.service_config": JSON.stringify(channelConfig),
      "grpc.enable_retries": 1,
      // The config above is the one in force, not one a DNS TXT record may publish.
      "grpc.service_config_disable_resolution": 1,
      ...options.channelOptions,
      interceptors: [this.interceptor(options.apiKey)],
    });
  }

  /** The token of the newest write this client saw (undefined before its first). */
  get consistencyToken(): string | undefined {
    return this.token;
  }

  close(): void {
    this.stub.close();
  }

  /** The user's self-model in `scope`, created on first use. */
  getOrCreate(externalUserId: string, scope: string, options: CallOptions = {}): Promise<SelfModel> {
    return this.unary(
      "GetOrCreateSelfModel",
      this.stub.getOrCreateSelfModel,
      GetOrCreateSelfModelRequest.create({ externalUserId, scope }),
      options,
    );
  }

  /** The self-model with its current beliefs, most confident first. */
  get(model: ModelRef, { context = "", minConfidence = 0, ...options }: GetOptions = {}): Promise<SelfModel> {
    const request = GetSelfModelRequest.create({ name: nameOf(model), context, minConfidence });
    return this.unary("GetSelfModel", this.stub.getSelfModel, request, options);
  }

  /** Records what the user did and what it says for or against beliefs. */
  observe(model: ModelRef, options: ObserveOptions): Promise<ObserveResponse> {
    const { type, content, context = "", beliefs = [], occurTime, idempotencyKey = randomUUID(), ...call } = options;
    const request = ObserveRequest.fromPartial({
      selfModel: nameOf(model),
      observation: { type: observationType(type), content, context, occurTime, idempotencyKey },
      beliefs: beliefs.map(proposal),
    });
    return this.unary("Observe", this.stub.observe, request, call);
  }

  /** Every current belief, page after page of ListBeliefs, most confident first unless
   * `orderBy` says otherwise; the call options apply to each page. */
  async *beliefs(model: ModelRef, options: BeliefsOptions = {}): AsyncGenerator<Belief, void, undefined> {
    const {
      context = "",
      minConfidence = 0,
      orderBy = "",
      showRetracted = false,
      pageSize = LIST_PAGE_SIZE,
      ...call
    } = options;
    let pageToken = "";
    do {
      const request = ListBeliefsRequest.create({
        selfModel: nameOf(model),
        context,
        minConfidence,
        orderBy,
        showRetracted,
        pageSize,
        pageToken,
      });
      const page = await this.unary("ListBeliefs", this.stub.listBeliefs, request, call);
      yield* page.beliefs;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }

  /** The beliefs as a text block for an LLM system prompt, with the beliefs behind it. */
  renderContext(model: ModelRef, options: RenderContextOptions = {}): Promise<RenderContextResponse> {
    const { context = "", minConfidence = 0, maxBeliefs = 0, ...call } = options;
    const request = RenderContextRequest.create({ selfModel: nameOf(model), context, minConfidence, maxBeliefs });
    return this.unary("RenderContext", this.stub.renderContext, request, call);
  }

  /** What the product should do for this user here, per inventory belief. */
  async adaptations(
    model: ModelRef,
    { context = "", ...options }: { context?: string } & CallOptions = {},
  ): Promise<Adaptation[]> {
    const request = GetAdaptationsRequest.create({ selfModel: nameOf(model), context });
    return (await this.unary("GetAdaptations", this.stub.getAdaptations, request, options)).adaptations;
  }

  /** Replaces the scope's belief inventory; with `etag`, only if nobody changed it since. */
  applyInventory(
    scope: string,
    beliefs: readonly InventoryBeliefInput[],
    { etag = "", ...options }: { etag?: string } & CallOptions = {},
  ): Promise<BeliefInventory> {
    const request = PutBeliefInventoryRequest.fromPartial({
      inventory: { scope, beliefs: beliefs.map(inventoryBelief) },
      etag,
    });
    return this.unary("PutBeliefInventory", this.stub.putBeliefInventory, request, options);
  }

  /** The scope's current inventory (the starter inventory while it has none), or a revision. */
  inventory(
    scope: string,
    { revision = 0, ...options }: { revision?: number } & CallOptions = {},
  ): Promise<BeliefInventory> {
    return this.unary(
      "GetBeliefInventory",
      this.stub.getBeliefInventory,
      GetBeliefInventoryRequest.create({ scope, revision }),
      options,
    );
  }

  /** The user says the statement holds (an assertion observation). */
  assertBelief(
    model: ModelRef,
    statement: string,
    { context = "", content = "", idempotencyKey = randomUUID(), ...options }: WriteOptions & { context?: string } = {},
  ): Promise<ObserveResponse> {
    const request = AssertBeliefRequest.create({
      selfModel: nameOf(model),
      statement,
      context,
      content,
      idempotencyKey,
    });
    return this.unary("AssertBelief", this.stub.assertBelief, request, options);
  }

  /** The user says the belief does not hold. */
  retractBelief(
    belief: BeliefRef,
    { content = "", idempotencyKey = randomUUID(), ...options }: WriteOptions = {},
  ): Promise<ObserveResponse> {
    const request = RetractBeliefRequest.create({ ...beliefTarget(belief), content, idempotencyKey });
    return this.unary("RetractBelief", this.stub.retractBelief, request, options);
  }

  /** The user restates the belief as `statement`. */
  correctBelief(
    belief: BeliefRef,
    statement: string,
    { content = "", idempotencyKey = randomUUID(), ...options }: WriteOptions = {},
  ): Promise<ObserveResponse> {
    const request = CorrectBeliefRequest.create({ ...beliefTarget(belief), statement, content, idempotencyKey });
    return this.unary("CorrectBelief", this.stub.correctBelief, request, options);
  }

  /** One call of the RPC `name` as a Promise; a failure rejects with a `SelfModelError`
   * subclass. Retries happen inside the channel (service config), so they resend this very
   * request, within the one deadline. */
  private unary<Request, Response>(
    name: string,
    method: UnaryMethod<Request, Response>,
    request: Request,
    options: CallOptions,
  ): Promise<Response> {
    const callOptions: Partial<GrpcCallOptions> = {};
    const timeoutMs = options.timeoutMs ?? this.timeoutMs(name);
    const deadline = options.deadline ?? (timeoutMs === undefined ? undefined : Date.now() + timeoutMs);
    if (deadline !== undefined) callOptions.deadline = deadline;
    return new Promise((resolve, reject) => {
      method.call(this.stub, request, new Metadata(), callOptions, (error, response) =>
        error ? reject(errorOf(error)) : resolve(response),
      );
    });
  }

  /** Adds the key and the newest consistency token to each call; keeps the token a
   * reply's trailing metadata carries. */
  private interceptor(apiKey: string | undefined): Interceptor {
    return (options, nextCall) =>
      new InterceptingCall(nextCall(options), {
        start: (metadata, listener, next) => {
          if (apiKey) metadata.set("authorization", `Bearer ${apiKey}`);
          if (this.token) metadata.set(CONSISTENCY_TOKEN_KEY, this.token);
          next(metadata, {
            onReceiveStatus: (status, nextStatus) => {
              const token = status.metadata.get(CONSISTENCY_TOKEN_KEY).at(-1);
              if (typeof token === "string" && token) this.token = token;
              nextStatus(status);
            },
          });
        },
      });
  }
}

function beliefTarget(belief: BeliefRef): { belief: string; etag: string } {
  return typeof belief === "string" ? { belief, etag: "" } : { belief: belief.name, etag: belief.etag ?? "" };
}
