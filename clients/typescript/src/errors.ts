// The client's errors: one class per gRPC status the service answers with, each carrying
// the status code, the service's message and, for INVALID_ARGUMENT, the fields it named.

import { Metadata, type ServiceError, status } from "@grpc/grpc-js";

import { type FieldViolation, fieldViolationsOf } from "./status-details.js";

export type { FieldViolation };

/** A call the service (or the network) refused. Every failed call rejects with one. */
export class SelfModelError extends Error {
  /** The gRPC status code (`status.NOT_FOUND`, ...). */
  readonly code: status;
  /** The service's message, without the status name. */
  readonly details: string;
  readonly fieldViolations: readonly FieldViolation[];
  /** The call's trailing metadata. */
  readonly metadata: Metadata;

  constructor(
    code: status,
    details: string,
    fieldViolations: readonly FieldViolation[] = [],
    metadata = new Metadata(),
  ) {
    super(`${status[code] ?? code}: ${details}`);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    this.fieldViolations = fieldViolations;
    this.metadata = metadata;
  }
}

/** The request is malformed; `fieldViolations` names the fields. */
export class InvalidArgumentError extends SelfModelError {}
export class NotFoundError extends SelfModelError {}
export class AlreadyExistsError extends SelfModelError {}
/** E.g. the self-model was deleted. */
export class FailedPreconditionError extends SelfModelError {}
/** An etag no longer matched, or a conflict outlasted the service's retries. */
export class AbortedError extends SelfModelError {}
/** The API key is missing, unknown or revoked. */
export class UnauthenticatedError extends SelfModelError {}
export class PermissionDeniedError extends SelfModelError {}
export class ResourceExhaustedError extends SelfModelError {}
/** The service (or its Neo4j) could not be reached, also after the channel's retries. */
export class UnavailableError extends SelfModelError {}
/** The call's deadline (its own, or the service config's timeout) passed. */
export class DeadlineExceededError extends SelfModelError {}
export class InternalError extends SelfModelError {}

const BY_CODE: ReadonlyMap<status, typeof SelfModelError> = new Map([
  [status.INVALID_ARGUMENT, InvalidArgumentError],
  [status.NOT_FOUND, NotFoundError],
  [status.ALREADY_EXISTS, AlreadyExistsError],
  [status.FAILED_PRECONDITION, FailedPreconditionError],
  [status.ABORTED, AbortedError],
  [status.UNAUTHENTICATED, UnauthenticatedError],
  [status.PERMISSION_DENIED, PermissionDeniedError],
  [status.RESOURCE_EXHAUSTED, ResourceExhaustedError],
  [status.UNAVAILABLE, UnavailableError],
  [status.DEADLINE_EXCEEDED, DeadlineExceededError],
  [status.INTERNAL, InternalError],
]);

/** The error for a failed grpc-js call. */
export function errorOf(error: ServiceError): SelfModelError {
  const metadata = error.metadata ?? new Metadata();
  const ErrorClass = BY_CODE.get(error.code) ?? SelfModelError;
  return new ErrorClass(error.code, error.details, fieldViolationsOf(metadata), metadata);
}
