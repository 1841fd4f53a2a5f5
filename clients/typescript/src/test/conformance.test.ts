// The cross-language conformance scenarios (tests/conformance/*.json) run by the TypeScript client against
// the mock at BITGET_MOCK_URL (started by `nox -s conformance` with the suite's accounts). Each scenario:
// set up the mock, make one call with the typed client, check status, code, values, lengths, order states.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import {
  batchCancelOrders,
  cancelOrder,
  createRawClient,
  getHistoryOrders,
  getOrderInfo,
  getServerTime,
  getUnfilledOrders,
} from "../raw.js";
import type { Credentials } from "../signer.js";
import { noMock } from "./mockenv.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Order = { orderId: string; clientOid: string; symbol: string };
type Call = { operation: string; query?: Record<string, Json>; body?: Record<string, Json> };
interface Scenario {
  name: string;
  account?: string;
  setup?: { orders?: Json[]; fill?: Json[]; planOrders?: Json[]; trigger?: Json[] };
  call: Call;
  expect: {
    status: number;
    code?: string;
    equals?: Record<string, Json>;
    lengths?: Record<string, number>;
    present?: string[];
    orders?: Record<string, string>;
  };
}

const suite = new URL("../../../../tests/conformance/", import.meta.url);
const baseUrl = process.env.BITGET_MOCK_URL ?? "";
const book = JSON.parse(readFileSync(new URL("accounts.json", suite), "utf8")) as {
  accounts: Record<string, { apiKey: string; passphrase: string; secretKey?: string; privateKeyPem?: string }>;
};

function credentials(name: string): Credentials {
  const a = book.accounts[name];
  assert.ok(a, `unknown account ${name}`);
  return a.secretKey !== undefined
    ? { apiKey: a.apiKey, passphrase: a.passphrase, secretKey: a.secretKey }
    : { apiKey: a.apiKey, passphrase: a.passphrase, privateKeyPem: a.privateKeyPem ?? "" };
}

/** `"{orders.N.field}"` (a whole string) -> the Nth seeded order's field, anywhere in `value`. */
function substitute<T extends Json>(value: T, orders: Order[]): T {
  if (typeof value === "string" && value.startsWith("{orders.") && value.endsWith("}")) {
    const [, index, field] = value.slice(1, -1).split(".");
    const order = orders[Number(index)] as Record<string, string> | undefined;
    assert.ok(order && field && field in order, `no ${value}`);
    return order[field] as T;
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, orders)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [substitute(k, orders), substitute(v, orders)])) as T;
  }
  return value;
}

const MISSING = Symbol("missing");

function lookup(answer: unknown, path: string): unknown {
  let node: unknown = answer;
  for (const part of path.split(".")) {
    if (Array.isArray(node) && /^\d+$/.test(part) && Number(part) < node.length) node = node[Number(part)];
    else if (node !== null && typeof node === "object" && part in (node as object)) node = (node as Record<string, unknown>)[part];
    else return MISSING;
  }
  return node;
}

async function control(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const init: RequestInit =
    body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(`${baseUrl}${path}`, init);
  assert.ok(response.ok, `${path}: HTTP ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** The scenario's call through the TypeScript client: (HTTP status, the answer as JSON). */
async function call(client: ReturnType<typeof createRawClient>, c: Call): Promise<{ status: number; answer: unknown }> {
  const query = (c.query ?? {}) as never;
  const body = (c.body ?? {}) as never;
  let result: { status: number; data?: unknown; error?: unknown };
  switch (c.operation) {
    case "batchCancelOrders":
      result = await batchCancelOrders(client, body);
      break;
    case "getServerTime":
      result = await getServerTime(client);
      break;
    case "getSymbols": {
      const { data, error, response } = await client.GET("/api/v2/spot/public/symbols", { params: { query } });
      result = { status: response.status, data, error };
      break;
    }
    case "getOrderInfo": {
      // The scenario's query is as on the wire (`orderId=...`); the typed call takes the exploded `order` object.
      const { orderId, clientOid, ...rest } = (c.query ?? {}) as Record<string, Json>;
      const order = Object.fromEntries(Object.entries({ orderId, clientOid }).filter(([, v]) => v !== undefined));
      result = await getOrderInfo(client, { ...rest, order } as never);
      break;
    }
    case "cancelOrder":
      result = await cancelOrder(client, body);
      break;
    case "getUnfilledOrders":
      result = await getUnfilledOrders(client, query);
      break;
    case "getHistoryOrders":
      result = await getHistoryOrders(client, query);
      break;
    case "getCurrentPlanOrders": {
      const { data, error, response } = await client.GET("/api/v2/spot/trade/current-plan-order", { params: { query } });
      result = { status: response.status, data, error };
      break;
    }
    case "getHistoryPlanOrders": {
      const { data, error, response } = await client.GET("/api/v2/spot/trade/history-plan-order", { params: { query } });
      result = { status: response.status, data, error };
      break;
    }
    case "cancelPlanOrder": {
      const { data, error, response } = await client.POST("/api/v2/spot/trade/cancel-plan-order", { body });
      result = { status: response.status, data, error };
      break;
    }
    case "batchCancelPlanOrders": {
      const { data, error, response } = await client.POST("/api/v2/spot/trade/batch-cancel-plan-order", { body });
      result = { status: response.status, data, error };
      break;
    }
    case "cancelSymbolOrders": {
      const { data, error, response } = await client.POST("/api/v2/spot/trade/cancel-symbol-order", { body });
      result = { status: response.status, data, error };
      break;
    }
    default:
      throw new Error(`no runner for operation ${c.operation}`);
  }
  return { status: result.status, answer: result.data ?? result.error };
}

const files = readdirSync(suite)
  .filter((f) => f.endsWith(".json") && f !== "accounts.json")
  .sort();

test("the suite has scenarios", () => {
  assert.ok(files.length >= 10, `only ${files.length} scenarios`);
});

for (const file of files) {
  const scenario = JSON.parse(readFileSync(new URL(file, suite), "utf8")) as Scenario;
  test(`conformance: ${file.replace(/\.json$/, "")}: ${scenario.name}`, async (t) => {
    if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
    await control("/mock/reset", {});
    const orders: Order[] = [];
    for (const spec of scenario.setup?.orders ?? []) {
      orders.push(...((await control("/mock/orders", spec)).orders as Order[]));
    }
    for (const spec of scenario.setup?.planOrders ?? []) {
      orders.push(...((await control("/mock/plan-orders", spec)).orders as Order[]));
    }
    const fills = substitute((scenario.setup?.fill ?? []) as Json, orders);
    if (Array.isArray(fills) && fills.length) await control("/mock/fill", { orders: fills });
    const triggers = substitute((scenario.setup?.trigger ?? []) as Json, orders);
    for (const trigger of Array.isArray(triggers) ? triggers : []) await control("/mock/trigger", trigger);

    const client = createRawClient(credentials(scenario.account ?? "hmac"), { baseUrl });
    const { status, answer } = await call(client, substitute(scenario.call as unknown as Json, orders) as unknown as Call);
    const expect = substitute(scenario.expect as unknown as Json, orders) as unknown as Scenario["expect"];

    assert.equal(status, expect.status, "HTTP status");
    if (expect.code !== undefined) assert.equal(lookup(answer, "code"), expect.code, "code");
    for (const [path, want] of Object.entries(expect.equals ?? {})) {
      assert.deepEqual(lookup(answer, path), want, path);
    }
    for (const [path, want] of Object.entries(expect.lengths ?? {})) {
      const got = lookup(answer, path);
      assert.ok(Array.isArray(got), `${path} is not a list`);
      assert.equal(got.length, want, `len(${path})`);
    }
    for (const path of expect.present ?? []) {
      const got = lookup(answer, path);
      assert.ok(got !== MISSING && got !== null, `${path} missing`);
    }
    if (expect.orders && Object.keys(expect.orders).length) {
      const states = new Map(
        ((await control("/mock/orders")).orders as { orderId: string; status: string }[]).map((o) => [o.orderId, o.status]),
      );
      for (const [orderId, want] of Object.entries(expect.orders)) {
        assert.equal(states.get(orderId), want, `order ${orderId} on the mock`);
      }
    }
  });
}
