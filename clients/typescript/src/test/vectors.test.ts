// The language-neutral signing vectors shared with the Python SDK (tests/vectors/signing.json).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { prehash, sign, type Credentials } from "../signer.js";

interface Vector {
  name: string;
  algorithm: "HMAC-SHA256" | "SHA256withRSA";
  secretKey?: string;
  privateKeyPem?: string;
  timestamp: string;
  method: string;
  requestPath: string;
  queryString: string;
  body: string;
  prehash: string;
  signature: string;
}

const file = new URL("../../../../tests/vectors/signing.json", import.meta.url);
const vectors = (JSON.parse(readFileSync(file, "utf8")) as { vectors: Vector[] }).vectors;

test("there are HMAC and RSA vectors", () => {
  assert.ok(vectors.some((v) => v.algorithm === "HMAC-SHA256"));
  assert.ok(vectors.some((v) => v.algorithm === "SHA256withRSA"));
});

for (const v of vectors) {
  test(`vector ${v.name}`, () => {
    const path = v.requestPath + (v.queryString ? `?${v.queryString}` : "");
    const message = prehash(v.timestamp, v.method, path, v.body);
    assert.equal(message.toString("utf8"), v.prehash);
    const credentials: Credentials =
      v.algorithm === "HMAC-SHA256"
        ? { apiKey: "k", passphrase: "p", secretKey: v.secretKey ?? "" }
        : { apiKey: "k", passphrase: "p", privateKeyPem: v.privateKeyPem ?? "" };
    assert.equal(sign(credentials, message), v.signature);
  });
}
