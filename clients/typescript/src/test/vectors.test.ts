// The language-neutral signing vectors shared with the Python SDK (tests/vectors/signing.json).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { signedTarget, signingMiddleware, sortedQuery } from "../raw.js";
import { parseQuery, prehash, sign, signedQuery, type Credentials } from "../signer.js";

interface Vector {
  name: string;
  algorithm: "HMAC-SHA256" | "SHA256withRSA";
  secretKey?: string;
  privateKeyPem?: string;
  timestamp: string;
  method: string;
  requestPath: string;
  sentQuery: string;
  queryString: string;
  body: string;
  prehash: string;
  signature: string;
}

const file = new URL("../../../../tests/vectors/signing.json", import.meta.url);
const vectors = (JSON.parse(readFileSync(file, "utf8")) as { vectors: Vector[] }).vectors;

function credentials(v: Vector): Credentials {
  return v.algorithm === "HMAC-SHA256"
    ? { apiKey: "k", passphrase: "p", secretKey: v.secretKey ?? "" }
    : { apiKey: "k", passphrase: "p", privateKeyPem: v.privateKeyPem ?? "" };
}

test("there are HMAC and RSA vectors, GET ones with reserved and non-ASCII characters", () => {
  assert.ok(vectors.some((v) => v.algorithm === "HMAC-SHA256"));
  assert.ok(vectors.some((v) => v.algorithm === "SHA256withRSA"));
  for (const algorithm of ["HMAC-SHA256", "SHA256withRSA"]) {
    assert.ok(vectors.some((v) => v.algorithm === algorithm && v.sentQuery !== v.queryString), `${algorithm}: no encoded GET vector`);
  }
  assert.ok(vectors.every((v) => typeof v.sentQuery === "string"), "every vector has sentQuery");
});

for (const v of vectors) {
  test(`vector ${v.name}`, async () => {
    // What is signed for what is sent: the query as sent, decoded, pairs in the same order.
    assert.equal(signedQuery(v.sentQuery), v.queryString, "sentQuery -> queryString");
    // What this client sends for these parameters: sorted by name, percent-encoded.
    const params = Object.fromEntries(parseQuery(v.sentQuery));
    assert.equal(sortedQuery(params), v.sentQuery, "parameters -> sentQuery");

    const path = v.requestPath + (v.queryString ? `?${v.queryString}` : "");
    const message = prehash(v.timestamp, v.method, path, v.body);
    assert.equal(message.toString("utf8"), v.prehash);
    assert.equal(sign(credentials(v), message), v.signature);

    // End to end: the signing middleware on the request as it would be sent.
    const url = new URL(`https://api.bitget.test${v.requestPath}${v.sentQuery ? `?${v.sentQuery}` : ""}`);
    assert.equal(url.search.slice(1), v.sentQuery, "the URL keeps the query as encoded");
    assert.equal(signedTarget(url), path);
    const request = new Request(url, v.method === "GET" ? { method: "GET" } : { method: v.method, body: v.body });
    // A frozen clock and an offset pin ACCESS-TIMESTAMP to the vector's timestamp.
    const middleware = signingMiddleware(credentials(v), { offsetMs: Number(v.timestamp) - 1_000 });
    const realNow = Date.now;
    Date.now = () => 1_000;
    let signed: Request;
    try {
      signed = (await middleware.onRequest!({ request } as never)) as Request;
    } finally {
      Date.now = realNow;
    }
    assert.equal(signed.headers.get("ACCESS-TIMESTAMP"), v.timestamp);
    assert.equal(signed.headers.get("ACCESS-SIGN"), v.signature);
    assert.equal(signed.url, url.href, "the request's URL is not changed by signing");
  });
}

test("values are encoded outside A-Z a-z 0-9 - _ . ~ only; form decoding reads + as a space", () => {
  assert.equal(sortedQuery({ symbol: "BTCUSDT", clientOid: "bot:7 x/y" }), "clientOid=bot%3A7%20x%2Fy&symbol=BTCUSDT");
  assert.equal(sortedQuery({ a: "1+1=2 & $5 ~ok* é" }), "a=1%2B1%3D2%20%26%20%245%20~ok%2A%20%C3%A9");
  assert.equal(sortedQuery({ order: { orderId: "7", clientOid: "c" }, limit: 5, none: undefined }), "clientOid=c&limit=5&orderId=7");
  assert.equal(signedQuery("a=x+y%2Bz&b=%E9%BE%99"), "a=x y+z&b=龙");
  assert.equal(signedQuery("b=2&a=1"), "b=2&a=1", "the order sent, not re-sorted");
  assert.equal(signedQuery(""), "");
});
