// One signed batch cancel against the Python mock exchange on loopback (BITGET_MOCK_URL).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  batchCancelOrders,
  createRawClient,
  getHistoryOrders,
  getOrderInfo,
  getServerTime,
  getUnfilledOrders,
} from "../raw.js";
import { noMock } from "./mockenv.js";

// Set by `nox -s typescript`, which starts the mock; without it the test fails rather than skip.
const baseUrl = process.env.BITGET_MOCK_URL ?? "";
const credentials = { apiKey: "bg_demo_key", secretKey: "demo-secret-key", passphrase: "demo-passphrase" };

test("a signed batch cancel is accepted by the mock and cancels the order", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const seeded = await fetch(`${baseUrl}/mock/orders`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ symbol: "BTCUSDT", count: 2 }),
  });
  const { orders } = (await seeded.json()) as { orders: { orderId: string; clientOid: string }[] };
  const [first, second] = orders;
  assert.ok(first && second);

  const client = createRawClient(credentials, { baseUrl });
  const result = await batchCancelOrders(client, {
    symbol: "BTCUSDT",
    batchMode: "single",
    orderList: [{ orderId: first.orderId }, { clientOid: second.clientOid }, { orderId: "404404" }],
  });
  assert.equal(result.status, 200);
  assert.equal(result.data?.code, "00000");
  assert.deepEqual(result.data?.data.successList, [{ orderId: first.orderId, clientOid: first.clientOid }]);
  // Mixed identifiers: the clientOid-only item fails, as the contract's x-batch-rules say.
  assert.deepEqual(
    result.data?.data.failureList.map((f) => f.errorCode),
    ["40019", "43001"],
  );
});

test("a wrong secret is rejected with Bitget's signature error", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const client = createRawClient({ ...credentials, secretKey: "wrong" }, { baseUrl });
  const result = await batchCancelOrders(client, { symbol: "BTCUSDT", orderList: [{ orderId: "1" }] });
  assert.equal(result.status, 400);
  assert.equal(result.error?.code, "40009");
});

test("the order-state reads are signed over their query and see the mock's orders", async (t) => {
  if (noMock(t, baseUrl, "BITGET_MOCK_URL")) return;
  const seeded = await fetch(`${baseUrl}/mock/orders`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ symbol: "ETHUSDT", count: 3 }),
  });
  const { orders } = (await seeded.json()) as { orders: { orderId: string; clientOid: string }[] };
  const [a, b, c] = orders;
  assert.ok(a && b && c);
  await fetch(`${baseUrl}/mock/fill`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ orders: [{ orderId: a.orderId, fraction: 0.5 }, { orderId: b.orderId, fraction: 1 }] }),
  });
  const client = createRawClient(credentials, { baseUrl });

  const time = await getServerTime(client);
  assert.equal(time.status, 200);
  assert.ok(Math.abs(Number(time.data?.data.serverTime) - Date.now()) < 60_000);

  const info = await getOrderInfo(client, { order: { orderId: a.orderId } });
  assert.equal(info.status, 200, JSON.stringify(info.error));
  assert.equal(info.data?.data[0]?.status, "partially_filled");
  assert.equal(info.data?.data[0]?.baseVolume, "0.5");

  const open = await getUnfilledOrders(client, { symbol: "ETHUSDT", limit: 10 });
  assert.deepEqual(open.data?.data.map((o) => o.orderId), [c.orderId, a.orderId]); // newest first

  const page = await getUnfilledOrders(client, { symbol: "ETHUSDT", limit: 1 });
  const cursor = page.data?.data[0]?.orderId;
  assert.ok(cursor);
  const next = await getUnfilledOrders(client, { symbol: "ETHUSDT", limit: 1, idLessThan: cursor });
  assert.deepEqual([page.data?.data[0]?.orderId, next.data?.data[0]?.orderId], [c.orderId, a.orderId]);

  const closed = await getHistoryOrders(client, { symbol: "ETHUSDT" });
  assert.deepEqual(closed.data?.data.map((o) => [o.orderId, o.status]), [[b.orderId, "filled"]]);

  const bad = await getUnfilledOrders(client, { limit: 101 });
  assert.equal(bad.status, 400);
  assert.equal(bad.error?.code, "40017");
});
