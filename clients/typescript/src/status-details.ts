// The `google.rpc.BadRequest` field violations of a failed call, read from its trailer
// `grpc-status-details-bin` (a google.rpc.Status whose details are google.protobuf.Any).
// These three messages are decoded by field number with the protobuf runtime's wire
// reader: their protos (google/rpc/status.proto, error_details.proto) are not among the
// ones this package is generated from, and only a few string fields are needed.

import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import type { Metadata } from "@grpc/grpc-js";

/** One bad field of a request, as the service named it. */
export interface FieldViolation {
  field: string;
  description: string;
}

const STATUS_DETAILS_KEY = "grpc-status-details-bin";
const BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest";
// Field numbers: Status.details = 3; Any.type_url = 1, Any.value = 2;
// BadRequest.field_violations = 1; FieldViolation.field = 1, .description = 2.
const STATUS_DETAILS = 3;
const ANY_TYPE_URL = 1;
const ANY_VALUE = 2;
const BAD_REQUEST_VIOLATIONS = 1;
const VIOLATION_FIELD = 1;
const VIOLATION_DESCRIPTION = 2;

/** The field violations in the call's status details; none when it has none or they do
 * not decode (bad details must not hide the status itself). */
export function fieldViolationsOf(trailers: Metadata): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const value of trailers.get(STATUS_DETAILS_KEY)) {
    if (typeof value === "string") continue;
    try {
      for (const any of lengthDelimited(value).get(STATUS_DETAILS) ?? []) {
        const anyFields = lengthDelimited(any);
        if (text(anyFields.get(ANY_TYPE_URL)) !== BAD_REQUEST_TYPE) continue;
        const badRequest = lengthDelimited(anyFields.get(ANY_VALUE)?.at(-1) ?? new Uint8Array());
        for (const violation of badRequest.get(BAD_REQUEST_VIOLATIONS) ?? []) {
          const fields = lengthDelimited(violation);
          violations.push({
            field: text(fields.get(VIOLATION_FIELD)),
            description: text(fields.get(VIOLATION_DESCRIPTION)),
          });
        }
      }
    } catch {
      return [];
    }
  }
  return violations;
}

/** The length-delimited fields (strings, bytes, messages) of a message, by field number,
 * in order; every other field is skipped. */
function lengthDelimited(message: Uint8Array): Map<number, Uint8Array[]> {
  const fields = new Map<number, Uint8Array[]>();
  const reader = new BinaryReader(message);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (wireType === WireType.LengthDelimited) {
      fields.set(field, [...(fields.get(field) ?? []), reader.bytes()]);
    } else {
      reader.skip(wireType, field);
    }
  }
  return fields;
}

/** The last occurrence of a string field (proto3's rule for a repeated scalar field). */
function text(values: Uint8Array[] | undefined): string {
  const last = values?.at(-1);
  return last === undefined ? "" : new TextDecoder().decode(last);
}
