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

/** Seconds as the service config writes them ("10s", "0.2s") in milliseconds. */
function milliseconds(duration: string): number {
  return Number(duration.slice(0, -1)) * 1_000;
}

/** Splits a service config into what the channel gets (retries) and the timeout per
 * method, which the client turns into each call's default deadline: grpc-js would cap
 * even a longer deadline given to a call by the config's timeout. */
export function splitTimeouts(config: ServiceConfig): {
  channelConfig: ServiceConfig;
  timeoutMs(method: string): number | undefined;
} {
  const byMethod = new Map<string, number>();
  let serviceWide: number | undefined;
  for (const { timeout, name } of config.methodConfig) {
    if (timeout === undefined) continue;
    for (const { method } of name) {
      if (method === undefined) serviceWide = milliseconds(timeout);
      else byMethod.set(method, milliseconds(timeout));
    }
  }
  return {
    channelConfig: { ...config, methodConfig: config.methodConfig.map(({ timeout: _timeout, ...rest }) => rest) },
    timeoutMs: (method) => byMethod.get(method) ?? serviceWide,
  };
}
