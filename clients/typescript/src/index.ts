// @selfmodel/client: a Node.js client of the selfmodel gRPC service.

export {
  type BeliefRef,
  type BeliefsOptions,
  type CallOptions,
  CONSISTENCY_TOKEN_KEY,
  type GetOptions,
  type ObserveOptions,
  type RenderContextOptions,
  SelfModelClient,
  type SelfModelClientOptions,
  type WriteOptions,
} from "./client.js";
export {
  AbortedError,
  AlreadyExistsError,
  DeadlineExceededError,
  errorOf,
  FailedPreconditionError,
  type FieldViolation,
  InternalError,
  InvalidArgumentError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  SelfModelError,
  UnauthenticatedError,
  UnavailableError,
} from "./errors.js";
export {
  contradicts,
  type InventoryBeliefInput,
  type ModelRef,
  type ObservationTypeName,
  type Proposal,
  type StanceName,
  supports,
} from "./inputs.js";
export { type MethodConfig, type RetryPolicy, SERVICE_CONFIG, type ServiceConfig } from "./service-config.js";
// The messages the client returns, as generated from the protos.
export type { Adaptation, BeliefInventory, InventoryBelief } from "./gen/selfmodel/v1/inventory.js";
export { ChangeKind, changeKindToJSON, ObservationType, Stance } from "./gen/selfmodel/v1/observation.js";
export type { BeliefChange, Observation } from "./gen/selfmodel/v1/observation.js";
export { BeliefState } from "./gen/selfmodel/v1/self_model.js";
export type { Belief, SelfModel } from "./gen/selfmodel/v1/self_model.js";
export type { ObserveResponse, RenderContextResponse } from "./gen/selfmodel/v1/self_model_service.js";
// grpc-js's credentials and status codes, for TLS and for comparing `SelfModelError.code`.
export { credentials, status } from "@grpc/grpc-js";
