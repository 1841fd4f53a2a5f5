// The SDK (createBitgetClient) against the Python mock (BITGET_MOCK_URL: no rate limit; BITGET_MOCK_LIMITED_URL:
// Bitget's 10/s), and against hostile servers of the test's own: validation before I/O, batching, the
// limiter, retries under faults checked against the mock's ground truth, timeouts, aborts, typed errors.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";

import {
  AuthenticationError,
  BatchValidationError,
  BitgetAPIError,
  BitgetTransportError,
  BitgetClient,
  ServerError,
  createBitgetClient,
  type CancelReport,
} from "../index.js";
import { noMock } from "./mockenv.js";

const baseUrl = process.env.BITGET_MOCK_URL ?? "";
const limitedUrl = process.env.BITGET_MOCK_LIMITED_URL ?? "";
const credentials = { apiKey: "bg_demo_key", secretKey: "demo-secret-key", passphrase: "demo-passphrase" };

type MockOrder = { orderId: string; clientOid: string; symbol: string; status: string };

async function control(url: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const init: RequestInit =
    body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const response = await fetch(`${url}${path}`, init);
  assert.ok(response.ok, `${path}: HTTP ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

async function seed(url: string, symbol: string, count: number): Promise<MockOrder[]> {
  return (await control(url, "/mock/orders", { symbol, count })).orders as MockOrder[];
}

async function states(url: string): Promise<Map<string, string>> {
  const orders = (await control(url, "/mock/orders")).orders as MockOrder[];
  return new Map(orders.map((o) => [o.orderId, o.status]));
}

async function requests(url: string): Promise<number> {
  return (await control(url, "/mock/stats")).requests as number;
}

function everyOrderOnce(report: CancelReport, total: number): void {
  const all = [...report.cancelled, ...report.failed, ...report.unknown];
  assert.equal(all.length, total);
  assert.equal(new Set(all.map((o) => `${o.symbol}/${o.orderId ?? o.clientOid}`)).size, total);
}

/** A raw HTTP server answering every request with `handler`. */
async function server(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const s = createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server: s,
    close: () =>
      new Promise<void>((resolve) => {
        s.closeAllConnections();
        s.close(() => resolve());
      }),
  };
}

test("120 orders over two symbols plus ghosts: one cancelOrders call, every order accounted", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  await control(baseUrl, "/mock/reset", {});
  const btc = await seed(baseUrl, "BTCUSDT", 60);
  const eth = await seed(baseUrl, "ETHUSDT", 60);
  const ghosts = ["9000001", "9000002", "9000003"];
  const client = createBitgetClient(credentials, { baseUrl });
  const report = await client.cancelOrders({
    orders: [
      ...btc.map((o) => ({ symbol: "BTCUSDT", orderId: o.orderId })),
      ...eth.map((o) => ({ symbol: "ETHUSDT", clientOid: o.clientOid })),
      ...ghosts.map((orderId) => ({ symbol: "BTCUSDT", orderId })),
    ],
  });
  everyOrderOnce(report, 123);
  assert.equal(report.cancelled.length, 120);
  assert.deepEqual(report.failed.map((o) => [o.orderId, o.errorCode]), ghosts.map((g) => [g, "43001"]));
  assert.equal(report.unknown.length, 0);
  // 63 orderIds and 60 clientOids, packed into multiple-mode batches that never mix identifier kinds.
  assert.equal(report.requestCount, 4);
  const now = await states(baseUrl);
  assert.ok([...btc, ...eth].every((o) => now.get(o.orderId) === "cancelled"));
  assert.ok(report.cancelled.filter((o) => o.symbol === "ETHUSDT").every((o) => o.orderId && o.clientOid));
});

test("bad input is refused before any I/O, naming the field", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const client = createBitgetClient(credentials, { baseUrl });
  const before = await requests(baseUrl);
  const fifty_one = Array.from({ length: 51 }, (_, i) => ({ orderId: String(i + 1) }));
  const cases: [() => Promise<unknown>, string][] = [
    [() => client.batchCancelOrders({ symbol: "BTCUSDT", orderList: fifty_one }), "orderList"],
    [() => client.batchCancelOrders({ symbol: "BTCUSDT", orderList: [] }), "orders"],
    [() => client.batchCancelOrders({ symbol: "BTCUSDT", orderList: [{ orderId: "1" }, { clientOid: "c" }] }), "orderList"],
    [() => client.cancelOrders({ symbol: "BTCUSDT", orderIds: ["1", "2", "1"] }), "orders #2"],
    [() => client.cancelOrders({ orderIds: ["1"] }), "symbol"],
    [() => client.cancelOrders({ symbol: "BTCUSDT", orderIds: ["1", ""] }), "orderIds[1]"],
    [() => client.cancelOrders({ orders: [{ symbol: "BTCUSDT", orderId: "1", clientOid: "c" }] }), "orders[0]"],
    [() => client.cancelOrders({ orders: [{ symbol: "BTCUSDT", orderId: "\ud800" }] }), "orders[0].orderId"],
    [() => client.getOrderInfo({ order: {} }), "order"],
    [() => client.getOrderInfo({} as never), "order"],
    [() => client.getOrderInfo({ order: { clientOid: "\ud800" } }), "order.clientOid"],
    [() => client.getUnfilledOrders({ symbol: "\udc00" }), "symbol"],
    [() => client.cancelOrder({ symbol: "BTCUSDT" }), "orderId"],
    [() => client.cancelOrder({ symbol: "", orderId: "1" }), "symbol"],
  ];
  for (const [call, field] of cases) {
    await assert.rejects(call(), (e: unknown) => e instanceof BatchValidationError && e.field === field, field);
  }
  assert.equal(await requests(baseUrl), before + 0 + 1); // only the /mock/stats read above
  assert.throws(() => createBitgetClient(credentials, { timeoutMs: 0 }), BatchValidationError);
  assert.throws(() => createBitgetClient(credentials, { baseUrl: "ftp://x" }), BatchValidationError);
  assert.throws(() => createBitgetClient({ apiKey: "k", passphrase: "", secretKey: "s" }), BatchValidationError);
  assert.equal(createBitgetClient(credentials, { baseUrl: "" }).baseUrl, "https://api.bitget.com");
});

test("15 concurrent calls on one key stay within Bitget's 10/s: 0 x 429", async (t) => {
  if (noMock(t, limitedUrl, "BITGET_MOCK_LIMITED_URL")) return;
  await control(limitedUrl, "/mock/reset", {});
  const orders = await seed(limitedUrl, "BTCUSDT", 15);
  const client = createBitgetClient(credentials, { baseUrl: limitedUrl, maxRetries: 0 });
  const answers = await Promise.all(
    orders.map((o) => client.batchCancelOrders({ symbol: "BTCUSDT", orderList: [{ orderId: o.orderId }] })),
  );
  assert.ok(answers.every((a) => a.data.successList.length === 1));
  const stats = (await control(limitedUrl, "/mock/stats")) as { statuses: Record<string, number> };
  assert.equal(stats.statuses["429"] ?? 0, 0);
});

test("retries under the mock's faults: the report agrees with the mock's ground truth", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  await control(baseUrl, "/mock/reset", {});
  const orders = await seed(baseUrl, "BTCUSDT", 400);
  await control(baseUrl, "/mock/faults", { error_rate: 0.3, drop_rate: 0.1, throttle_rate: 0.1, seed: 11 });
  const client = createBitgetClient(credentials, { baseUrl, backoffBaseMs: 5, maxRetries: 5 });
  const report = await client.cancelOrders({ symbol: "BTCUSDT", orderIds: orders.map((o) => o.orderId) });
  const faults = (await control(baseUrl, "/mock/faults")) as { injected?: Record<string, number> };
  await control(baseUrl, "/mock/faults", {});
  everyOrderOnce(report, 400);
  assert.ok(report.retryCount > 0, `no retries (faults: ${JSON.stringify(faults)})`);
  const truth = await states(baseUrl);
  for (const o of report.cancelled) assert.equal(truth.get(o.orderId!), "cancelled", `cancelled ${o.orderId}`);
  for (const o of report.failed) assert.equal(truth.get(o.orderId!), "live", `failed ${o.orderId}`);
  assert.equal(report.failed.length, 0); // every batch got through in the end (5xx before cancelling, drops after)
});

test("a wrong secret is an AuthenticationError; in a run it carries the report", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const client = createBitgetClient({ ...credentials, secretKey: "wrong" }, { baseUrl });
  await assert.rejects(client.getOrderInfo({ order: { orderId: "1" } }), (e: unknown) => {
    return e instanceof AuthenticationError && e.code === "40009" && e.httpStatus === 400 && e.requestTime !== undefined;
  });
  await assert.rejects(client.cancelOrders({ symbol: "BTCUSDT", orderIds: ["1", "2"] }), (e: unknown) => {
    const report = (e as { report?: CancelReport }).report;
    return e instanceof AuthenticationError && report !== undefined && report.failed.length === 2;
  });
});

test("the clock is synced and a stale one is fixed on 40008 without the caller noticing", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  await control(baseUrl, "/mock/reset", {});
  const [order] = await seed(baseUrl, "BTCUSDT", 1);
  const client = createBitgetClient(credentials, { baseUrl, clockOffsetMs: -600_000 });
  const report = await client.cancelOrders({ symbol: "BTCUSDT", orderIds: [order!.orderId] });
  assert.equal(report.cancelled.length, 1);
  assert.ok(Math.abs(client.clockOffsetMs) < 5_000, `offset ${client.clockOffsetMs}`);
  assert.equal(typeof (await client.syncTime()), "number");
});

test("fromEnv reads the credentials and base URL", () => {
  const client = BitgetClient.fromEnv({
    BITGET_API_KEY: "k",
    BITGET_SECRET_KEY: "s3cret-CANARY",
    BITGET_PASSPHRASE: "p-CANARY",
    BITGET_BASE_URL: "http://127.0.0.1:1",
  });
  assert.equal(client.baseUrl, "http://127.0.0.1:1");
  assert.ok(!String(client).includes("CANARY"));
  assert.throws(() => BitgetClient.fromEnv({ BITGET_API_KEY: "k" }), BatchValidationError);
});

test("a non-JSON 502 is a ServerError, and a silent server is a timeout with sent=true", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const gateway = await server((_req, res) => {
    res.writeHead(502, { "Content-Type": "text/html" });
    res.end("<html>bad gateway</html>");
  });
  try {
    const client = createBitgetClient(credentials, { baseUrl: gateway.url, maxRetries: 1, backoffBaseMs: 1 });
    await assert.rejects(client.getServerTime(), (e: unknown) => e instanceof ServerError && e.httpStatus === 502 && e.code === "502");
    const report = await client.cancelOrders({ symbol: "BTCUSDT", orderIds: ["1"] });
    assert.equal(report.unknown.length, 1); // a 5xx may have been processed: never "failed"
  } finally {
    await gateway.close();
  }
  const silent = await server(() => undefined);
  try {
    const client = createBitgetClient(credentials, { baseUrl: silent.url, timeoutMs: 30_000 });
    const started = performance.now();
    await assert.rejects(
      client.getServerTime({ timeoutMs: 300, maxRetries: 0 }),
      (e: unknown) => e instanceof BitgetTransportError && e.sent,
    );
    assert.ok(performance.now() - started < 2_000);
  } finally {
    await silent.close();
  }
});

test("an AbortSignal stops a run, and the error carries every order", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const silent = await server(() => undefined);
  try {
    const client = createBitgetClient(credentials, { baseUrl: silent.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const ids = Array.from({ length: 120 }, (_, i) => String(1000 + i));
    await assert.rejects(client.cancelOrders({ symbol: "BTCUSDT", orderIds: ids }, { signal: controller.signal }), (e: unknown) => {
      const report = (e as { report?: CancelReport }).report;
      assert.ok(report, "no report on the abort");
      everyOrderOnce(report, 120);
      assert.equal(report.cancelled.length, 0);
      assert.ok(report.unknown.length > 0); // in flight when aborted
      return (e as Error).name === "AbortError";
    });
  } finally {
    await silent.close();
  }
});

test("secrets a server echoes never reach an error, a message or a report", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const echo = await server((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const passphrase = String(req.headers["access-passphrase"] ?? "");
      res.writeHead(req.url?.includes("orderInfo") ? 400 : 200, { "Content-Type": "application/json" });
      const failure = { orderId: "1", errorCode: "43001", errorMsg: `no order for ${passphrase}` };
      const payload = req.url?.includes("orderInfo")
        ? { code: "40017", msg: `bad request from ${passphrase}`, data: null }
        : { code: "00000", msg: "success", data: { successList: [], failureList: [failure] } };
      res.end(JSON.stringify(payload));
    });
  });
  try {
    const client = createBitgetClient(credentials, { baseUrl: echo.url });
    await assert.rejects(client.getOrderInfo({ order: { orderId: "1" } }), (e: unknown) => {
      assert.ok(!String((e as Error).message).includes("demo-passphrase"));
      assert.ok(!JSON.stringify(e).includes("demo-passphrase"));
      return true;
    });
    const report = await client.cancelOrders({ symbol: "BTCUSDT", orderIds: ["1"] });
    assert.equal(report.failed.length, 1);
    assert.ok(!JSON.stringify(report).includes("demo-passphrase"));
    assert.ok(report.failed[0]!.errorMsg!.includes("***"));
  } finally {
    await echo.close();
  }
});

test("GET: the URL carries the sorted, percent-encoded query; the signature covers it decoded, in the same order", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const seen: { url: string; sign: string; ts: string }[] = [];
  const verifier = await server((req, res) => {
    seen.push({ url: req.url ?? "", sign: String(req.headers["access-sign"]), ts: String(req.headers["access-timestamp"]) });
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ code: "00000", msg: "success", requestTime: 1, data: [] }));
  });
  try {
    const client = createBitgetClient(credentials, { baseUrl: verifier.url });
    await client.getOrderInfo({ order: { clientOid: "bot:7 x/y" } });
    await client.getUnfilledOrders({ symbol: "龙虾USDT", limit: 20, idLessThan: "a+b$c%d" });
    assert.deepEqual(
      seen.map((s) => s.url),
      [
        "/api/v2/spot/trade/orderInfo?clientOid=bot%3A7%20x%2Fy",
        "/api/v2/spot/trade/unfilled-orders?idLessThan=a%2Bb%24c%25d&limit=20&symbol=%E9%BE%99%E8%99%BEUSDT",
      ],
    );
    // Recomputed here independently: each pair form-decoded (URLSearchParams), in the order received.
    for (const s of seen) {
      const [path, query = ""] = s.url.split("?");
      const decoded = [...new URLSearchParams(query)].map(([k, v]) => `${k}=${v}`).join("&");
      const mac = createHmac("sha256", credentials.secretKey).update(`${s.ts}GET${path}?${decoded}`, "utf8").digest("base64");
      assert.equal(s.sign, mac, s.url);
    }
  } finally {
    await verifier.close();
  }
});

test("cancelOrder by a clientOid with reserved characters; the order is then not open (43001)", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  await control(baseUrl, "/mock/reset", {});
  const [order] = (await control(baseUrl, "/mock/orders", { orders: [{ symbol: "BTCUSDT", clientOid: "bot:7 x/y" }] })).orders as MockOrder[];
  assert.ok(order);
  const client = createBitgetClient(credentials, { baseUrl });
  const info = await client.getOrderInfo({ order: { clientOid: "bot:7 x/y" } });
  assert.equal(info.data[0]?.orderId, order.orderId);
  const answer = await client.cancelOrder({ symbol: "BTCUSDT", clientOid: "bot:7 x/y" });
  assert.deepEqual(answer.data, { orderId: order.orderId, clientOid: "bot:7 x/y" });
  assert.equal((await states(baseUrl)).get(order.orderId), "cancelled");
  await assert.rejects(client.cancelOrder({ symbol: "BTCUSDT", orderId: order.orderId }), (e: unknown) => {
    return e instanceof BitgetAPIError && e.code === "43001" && e.httpStatus === 400;
  });
});

test("a failure item keeps the identifier the answer names, and null for the other is accepted", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const answering = await server((_req, res) => {
    res.writeHead(200, { "Content-Type": "application/json" });
    const failureList = [
      { orderId: "11", clientOid: null, errorCode: "43001", errorMsg: "The order does not exist" },
      { orderId: "12", clientOid: "c-12", errorCode: "43001", errorMsg: "The order does not exist" },
    ];
    res.end(JSON.stringify({ code: "00000", msg: "success", requestTime: 1, data: { successList: [], failureList } }));
  });
  try {
    const client = createBitgetClient(credentials, { baseUrl: answering.url });
    const report = await client.cancelOrders({ symbol: "BTCUSDT", orderIds: ["11", "12"] });
    assert.deepEqual(
      report.failed.map((o) => [o.orderId, o.clientOid, o.errorCode]),
      [["11", undefined, "43001"], ["12", "c-12", "43001"]],
    );
  } finally {
    await answering.close();
  }
});
