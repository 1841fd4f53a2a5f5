// The Node peer of tools/peers.py: tiagosiebler's `bitget-api` (pinned in package.json), RestClientV2 pointed
// at the mock, runs the scenario set on the orders tools/peers.py seeded (a JSON fixture on stdin).
//
// Usage: node peers.mjs --url http://127.0.0.1:PORT < fixture.json
//   credentials from PEERS_API_KEY, PEERS_API_SECRET, PEERS_API_PASS.
// Prints one JSON line: {"version": "<bitget-api version>", "results": [{client, scenario, ok, detail, code?, marker?}]}.
// Whether a failure is a known client-side bug is decided by tools/peers.py (KNOWN_BUGS), not here.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { RestClientV2 } from "bitget-api";

// The package's exports map hides package.json: read it from node_modules (this folder's pinned install).
const pkgDir = join(dirname(fileURLToPath(import.meta.url)), "node_modules", "bitget-api");
const version = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8")).version;

const { values: args } = parseArgs({ options: { url: { type: "string" } } });
if (!args.url) throw new Error("--url is required");
const fx = JSON.parse(readFileSync(0, "utf8"));
const creds = {
  apiKey: process.env.PEERS_API_KEY,
  apiSecret: process.env.PEERS_API_SECRET,
  apiPass: process.env.PEERS_API_PASS,
};

const NODE = "bitget-api";
const NODE_RAW = "bitget-api/raw-query";
const clients = {
  [NODE]: new RestClientV2({ ...creds, baseUrl: args.url }, { timeout: 10_000 }),
  // The library's own switch for the GET signing (default true): sign and send the raw values.
  [NODE_RAW]: new RestClientV2({ ...creds, baseUrl: args.url, encodeQueryStringValues: false }, { timeout: 10_000 }),
};

class Check extends Error {
  constructor(msg, marker) {
    super(msg);
    this.marker = marker;
  }
}
function expect(cond, msg, marker) {
  if (!cond) throw new Check(msg, marker);
}
const same = (a, b) => a !== undefined && a !== null && a !== "" && Number(a) === Number(b);
const ok = (r) => expect(r && r.code === "00000", `answer code ${r && r.code}: ${JSON.stringify(r)}`);

function checkOrder(o, want, { status, priceField }) {
  expect(o.orderId === want.orderId, `orderId ${o.orderId}, expected ${want.orderId}`);
  if (want.clientOid) expect(o.clientOid === want.clientOid, `clientOid ${JSON.stringify(o.clientOid)}`);
  expect(o.symbol === want.symbol, `symbol ${o.symbol}, expected ${want.symbol}`);
  expect(o.status === status, `order ${o.orderId}: status ${o.status}, expected ${status}`);
  expect(same(o[priceField], fx.limitPrice), `order ${o.orderId}: ${priceField} ${o[priceField]}, expected ${fx.limitPrice}`);
  expect(same(o.size, fx.size), `order ${o.orderId}: size ${o.size}, expected ${fx.size}`);
}

async function pages(client, method, symbol) {
  const got = [];
  let params = { symbol, limit: "2" };
  while (got.length < 10) {
    const r = await client[method](params);
    ok(r);
    got.push(r.data);
    if (r.data.length < 2) break;
    params = { symbol, limit: "2", idLessThan: r.data[r.data.length - 1].orderId };
  }
  return got;
}
const newestFirst = (orders) => orders.map((o) => o.orderId).sort((a, b) => (BigInt(b) > BigInt(a) ? 1 : -1));

function scenarios(c) {
  const info = (value) => async () => {
    const want = fx.info.find((o) => o.clientOid === value);
    const r = await c.getSpotOrder({ clientOid: value });
    ok(r);
    expect(r.data.length === 1, `data ${JSON.stringify(r.data)}`);
    checkOrder(r.data[0], want, { status: "live", priceField: "price" });
    return `getSpotOrder({clientOid: ${JSON.stringify(value)}}) -> ${r.data[0].orderId}`;
  };
  return {
    "server-time": async () => {
      const r = await c.getServerTime();
      ok(r);
      const t = Number(r.data.serverTime);
      expect(typeof r.data.serverTime === "string" && Math.abs(t - Date.now()) < 10_000, `data ${JSON.stringify(r.data)}`);
      return `getServerTime() -> data.serverTime ${r.data.serverTime}`;
    },
    "server-time-helper": async () => {
      const t = await c.fetchServerTime();
      expect(Number.isFinite(t) && Math.abs(t - Date.now()) < 10_000, `fetchServerTime() -> ${t}`, Number.isNaN(t) ? "NaN" : undefined);
      return `fetchServerTime() -> ${t}`;
    },
    "batch-cancel-orderId": async () => {
      const ids = fx.batchById.map((o) => o.orderId);
      const r = await c.spotBatchCancelOrders({ symbol: "BTCUSDT", orderList: ids.map((orderId) => ({ orderId })) });
      ok(r);
      const got = r.data.successList.map((s) => s.orderId).sort();
      expect(JSON.stringify(got) === JSON.stringify([...ids].sort()) && r.data.failureList.length === 0, `data ${JSON.stringify(r.data)}`);
      return `spotBatchCancelOrders: successList ${got.length}`;
    },
    "batch-cancel-partial": async () => {
      const ids = fx.batchPartial.map((o) => o.orderId);
      const orderList = [...ids, fx.ghostOrderId].map((orderId) => ({ orderId }));
      const r = await c.spotBatchCancelOrders({ symbol: "BTCUSDT", orderList });
      ok(r);
      const got = r.data.successList.map((s) => s.orderId).sort();
      expect(JSON.stringify(got) === JSON.stringify([...ids].sort()), `successList ${JSON.stringify(r.data.successList)}`);
      const f = r.data.failureList;
      expect(f.length === 1 && f[0].orderId === fx.ghostOrderId && f[0].errorCode === "43001", `failureList ${JSON.stringify(f)}`);
      return `successList ${got.length}, failureList [${f[0].orderId} ${f[0].errorCode} ${f[0].errorMsg}]`;
    },
    "batch-cancel-clientOid": async () => {
      const coids = fx.batchByClientOid.map((o) => o.clientOid);
      const r = await c.spotBatchCancelOrders({ symbol: "BTCUSDT", orderList: coids.map((clientOid) => ({ clientOid })) });
      ok(r);
      const got = r.data.successList.map((s) => s.clientOid).sort();
      expect(JSON.stringify(got) === JSON.stringify([...coids].sort()) && r.data.failureList.length === 0, `data ${JSON.stringify(r.data)}`);
      return `successList clientOids ${JSON.stringify(got)}`;
    },
    "batch-cancel-multiple": async () => {
      const orderList = fx.batchMultiple.map((o) => ({ symbol: o.symbol, orderId: o.orderId }));
      const r = await c.spotBatchCancelOrders({ symbol: "", batchMode: "multiple", orderList });
      ok(r);
      const got = r.data.successList.map((s) => s.orderId).sort();
      expect(JSON.stringify(got) === JSON.stringify(orderList.map((o) => o.orderId).sort()), `data ${JSON.stringify(r.data)}`);
      return `successList ${got.length} over ${orderList.length} symbols`;
    },
    "order-info-orderId": async () => {
      const want = fx.info[0];
      const r = await c.getSpotOrder({ orderId: want.orderId });
      ok(r);
      expect(r.data.length === 1, `data ${JSON.stringify(r.data)}`);
      checkOrder(r.data[0], want, { status: "live", priceField: "price" });
      return `getSpotOrder({orderId}) -> ${r.data[0].status} price ${r.data[0].price}`;
    },
    ...Object.fromEntries(Object.entries(fx.reservedOids).map(([sid, value]) => [sid, info(value)])),
    "unfilled-paging": async () => {
      const got = await pages(c, "getSpotOpenOrders", "SOLUSDT");
      const seen = got.flat().map((o) => o.orderId);
      const want = newestFirst(fx.unfilledPage);
      expect(JSON.stringify(seen) === JSON.stringify(want), `pages ${JSON.stringify(got.map((p) => p.map((o) => o.orderId)))}, expected ${want}`);
      const byId = Object.fromEntries(fx.unfilledPage.map((o) => [o.orderId, o]));
      for (const o of got.flat()) {
        // Bitget's unfilled-orders: priceAvg is the order (limit) price, basePrice the average fill price.
        checkOrder(o, byId[o.orderId], { status: "live", priceField: "priceAvg" });
        expect(same(o.basePrice, 0), `order ${o.orderId}: basePrice ${o.basePrice}, expected 0 (no fills)`);
      }
      return `getSpotOpenOrders pages ${got.map((p) => p.length)}`;
    },
    "unfilled-non-ascii-symbol": async () => {
      const r = await c.getSpotOpenOrders({ symbol: fx.symbol });
      ok(r);
      const want = fx.nonAsciiOpen[0].orderId;
      expect(r.data.some((o) => o.orderId === want) && r.data.every((o) => o.symbol === fx.symbol), `data ${JSON.stringify(r.data)}`);
      return `getSpotOpenOrders({symbol: ${fx.symbol}}) -> ${r.data.length}`;
    },
    "history-paging": async () => {
      const got = await pages(c, "getSpotHistoricOrders", "XRPUSDT");
      const seen = got.flat().map((o) => o.orderId);
      const want = newestFirst(fx.historyPage);
      expect(JSON.stringify(seen) === JSON.stringify(want), `pages ${JSON.stringify(got.map((p) => p.map((o) => o.orderId)))}, expected ${want}`);
      const byId = Object.fromEntries(fx.historyPage.map((o) => [o.orderId, o]));
      for (const o of got.flat()) {
        const filled = fx.historyFilled.includes(o.orderId);
        // Bitget's history-orders: price is the order price, priceAvg the average fill price.
        checkOrder(o, byId[o.orderId], { status: filled ? "filled" : "cancelled", priceField: "price" });
        if (filled) {
          expect(same(o.priceAvg, fx.limitPrice), `order ${o.orderId}: priceAvg ${o.priceAvg}`);
          expect(same(o.baseVolume, fx.size), `order ${o.orderId}: baseVolume ${o.baseVolume}`);
        } else {
          expect(same(o.baseVolume, 0), `order ${o.orderId}: baseVolume ${o.baseVolume}`);
        }
        expect(typeof o.feeDetail === "string", `order ${o.orderId}: feeDetail ${JSON.stringify(o.feeDetail)} is not a string`);
      }
      return `getSpotHistoricOrders pages ${got.map((p) => p.length)}`;
    },
    "history-feeDetail-type": async () => {
      const r = await c.getSpotHistoricOrders({ symbol: "XRPUSDT" });
      ok(r);
      expect(r.data.length > 0 && r.data.every((o) => typeof o.feeDetail === "string"), `wire feeDetail ${JSON.stringify(r.data.map((o) => o.feeDetail))}`);
      const dts = readFileSync(join(pkgDir, "dist/mjs/types/response/v2/spot.d.ts"), "utf8");
      const decl = /interface SpotOrderInfoV2 \{[^}]*?feeDetail(\??):\s*([^;\n]+)/.exec(dts);
      const declared = decl ? decl[2].trim() : "(not found)";
      const shown = declared.startsWith("{") ? "an object type ({BGB?, newFees?})" : declared;
      expect(/^string\b/.test(declared), `the wire has strings; SpotOrderInfoV2.feeDetail is declared as ${shown}`, declared.startsWith("{") ? "feeDetail-typed-object" : undefined);
      return `feeDetail string on the wire and in the type`;
    },
    "cancel-symbol": async () => {
      const r = await c.spotCancelSymbolOrder({ symbol: "DOGEUSDT" });
      ok(r);
      expect(r.data && r.data.symbol === "DOGEUSDT", `data ${JSON.stringify(r.data)}`);
      return `spotCancelSymbolOrder -> data.symbol ${r.data.symbol} (asynchronous)`;
    },
    "single-cancel-orderId": async () => {
      const want = fx.singleById;
      const r = await c.spotCancelOrder({ symbol: want.symbol, orderId: want.orderId });
      ok(r);
      expect(r.data && r.data.orderId === want.orderId && "clientOid" in r.data, `data ${JSON.stringify(r.data)}`);
      return `spotCancelOrder -> ${JSON.stringify(r.data)}`;
    },
    "single-cancel-clientOid": async () => {
      const want = fx.singleByClientOid;
      const r = await c.spotCancelOrder({ symbol: want.symbol, clientOid: want.clientOid });
      ok(r);
      expect(r.data && r.data.orderId === want.orderId && r.data.clientOid === want.clientOid, `data ${JSON.stringify(r.data)}`);
      return `spotCancelOrder -> ${JSON.stringify(r.data)}`;
    },
    "single-cancel-not-open": async () => {
      try {
        const r = await c.spotCancelOrder({ symbol: "BTCUSDT", orderId: fx.singleNotOpen.orderId });
        throw new Check(`cancel of a cancelled order answered ${JSON.stringify(r)}`);
      } catch (e) {
        if (e instanceof Check) throw e;
        expect(e && e.code === 400 && e.body && e.body.code === "43001", `rejected with ${describe(e)}`);
        return `rejected: HTTP ${e.code}, code ${e.body.code} ${e.body.msg}`;
      }
    },
  };
}

function describe(e) {
  if (e && typeof e === "object" && "body" in e) return `HTTP ${e.code} ${JSON.stringify(e.body)}`;
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

const GET_ONLY = new Set([
  "order-info-orderId",
  ...Object.keys(fx.reservedOids),
  "unfilled-paging",
  "unfilled-non-ascii-symbol",
  "history-paging",
]);

const results = [];
for (const [name, client] of Object.entries(clients)) {
  for (const [scenario, run] of Object.entries(scenarios(client))) {
    if (name === NODE_RAW && !GET_ONLY.has(scenario)) continue;
    try {
      results.push({ client: name, scenario, ok: true, detail: await run() });
    } catch (e) {
      const code = e && e.body && typeof e.body.code === "string" ? e.body.code : undefined;
      results.push({ client: name, scenario, ok: false, detail: e instanceof Check ? e.message : describe(e), code, marker: e && e.marker });
    }
  }
}
console.log(JSON.stringify({ version, results }));
