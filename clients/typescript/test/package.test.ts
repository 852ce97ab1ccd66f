// What the package ships beside its code.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { SERVICE_CONFIG } from "@selfmodel/client";

test("the shipped service config is clients/service-config.json, byte for byte", () => {
  const shipped = readFileSync(new URL(import.meta.resolve("@selfmodel/client/service-config.json")));
  const source = readFileSync(new URL("../../../service-config.json", import.meta.url));
  assert.ok(shipped.equals(source), "dist/service-config.json differs: run ./build");
  assert.deepEqual(SERVICE_CONFIG, JSON.parse(source.toString("utf8")));
});
