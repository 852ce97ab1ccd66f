// The gRPC service config every selfmodel client uses (clients/service-config.json, copied
// next to this file by `build`): per-method timeouts, and retries of UNAVAILABLE with
// backoff for the idempotent and idempotency-keyed methods. grpc-js applies it itself.

import { readFileSync } from "node:fs";

export interface RetryPolicy {
  maxAttempts: number;
  initialBackoff: string;
  maxBackoff: string;
  backoffMultiplier: number;
  retryableStatusCodes: string[];
}

export interface MethodConfig {
  name: { service: string; method?: string }[];
  timeout?: string;
  retryPolicy?: RetryPolicy;
}

export interface ServiceConfig {
  methodConfig: MethodConfig[];
  retryThrottling?: { maxTokens: number; tokenRatio: number };
}

/** The shipped service config, as parsed JSON. */
export const SERVICE_CONFIG: ServiceConfig = JSON.parse(
  readFileSync(new URL("./service-config.json", import.meta.url), "utf8"),
) as ServiceConfig;
