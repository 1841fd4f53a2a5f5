/**
 * The low-level typed client: openapi-fetch over the generated `paths`, plus a middleware that signs the
 * exact bytes openapi-fetch is about to send. `createBitgetClient` (client.ts) builds on it; use this one
 * directly only to see raw answers (the conformance runner does).
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import { OPERATIONS } from "./facts.js";
import type { paths } from "./schema.js";
import { type Credentials, encodeQuery, signedHeaders, signedQuery } from "./signer.js";
import type {
  BatchCancelRequest,
  BatchCancelResponse,
  CancelOrderRequest,
  CancelOrderResponse,
  ErrorResponse,
  OrderListResponse,
  Query,
  ServerTimeResponse,
  UnfilledOrderListResponse,
} from "./types.js";
type Answer<T> = { status: number; data?: T; error?: ErrorResponse };

export interface RawClientOptions {
  baseUrl?: string;
  /** Shared with the caller, so that a later clock sync applies to requests signed from then on. */
  clock?: { offsetMs: number };
}

export function signingMiddleware(credentials: Credentials, clock: { offsetMs: number } = { offsetMs: 0 }): Middleware {
  return {
    async onRequest({ request }) {
      const url = new URL(request.url);
      if ([...PUBLIC_PATHS].some((path) => url.pathname.endsWith(path))) {
        return request; // a public operation (the contract's `security: []`): no credentials sent
      }
      const body = new Uint8Array(await request.clone().arrayBuffer());
      const headers = signedHeaders(credentials, request.method, signedTarget(url), body, () => Date.now() + clock.offsetMs);
      for (const [name, value] of Object.entries(headers)) {
        request.headers.set(name, value);
      }
      return request;
    },
  };
}

/** What is signed for a request to `url`: the path as sent, and `?` + its query percent-decoded (`signedQuery`). */
export function signedTarget(url: URL): string {
  const query = signedQuery(url.search.slice(1));
  return url.pathname + (query ? `?${query}` : "");
}

/**
 * The query as sent: parameters sorted by name (as the contract asks), every character outside
 * `A-Z a-z 0-9 - _ . ~` percent-encoded. Object parameters are exploded into their fields (`style: form,
 * explode: true`, e.g. getOrderInfo's `order`), arrays into one pair per item; undefined and null are left out.
 */
export function sortedQuery(query: Record<string, unknown>): string {
  const pairs: [string, string][] = [];
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value) add(key, item);
    } else if (typeof value === "object") {
      for (const [field, item] of Object.entries(value as Record<string, unknown>)) add(field, item);
    } else {
      pairs.push([key, String(value)]);
    }
  };
  for (const [key, value] of Object.entries(query)) add(key, value);
  // A stable sort by name: the items of an array keep their order.
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return encodeQuery(pairs);
}

const PUBLIC_PATHS = new Set<string>(Object.values(OPERATIONS).filter((op) => !op.signed).map((op) => op.path));

export function createRawClient(credentials: Credentials, options: RawClientOptions = {}): Client<paths> {
  const client = createClient<paths>({
    baseUrl: options.baseUrl || "https://api.bitget.com",
    querySerializer: sortedQuery,
  });
  client.use(signingMiddleware(credentials, options.clock));
  return client;
}

/** One signed batch cancel (at most 50 orders); per-order failures are in `data.failureList`. */
export async function batchCancelOrders(
  client: Client<paths>,
  body: BatchCancelRequest,
): Promise<{ status: number; data?: BatchCancelResponse; error?: ErrorResponse }> {
  const { data, error, response } = await client.POST("/api/v2/spot/trade/batch-cancel-order", { body });
  return { status: response.status, ...(data ? { data } : {}), ...(error ? { error } : {}) };
}

/** `GET /api/v2/public/time`: the exchange's clock. */
export async function getServerTime(client: Client<paths>): Promise<Answer<ServerTimeResponse>> {
  const { data, error, response } = await client.GET("/api/v2/public/time", {});
  return { status: response.status, ...(data ? { data } : {}), ...(error ? { error } : {}) };
}

/** One signed cancel of one order, by `orderId` or `clientOid`; an order that is not open is HTTP 400, code 43001. */
export async function cancelOrder(client: Client<paths>, body: CancelOrderRequest): Promise<Answer<CancelOrderResponse>> {
  const { data, error, response } = await client.POST("/api/v2/spot/trade/cancel-order", { body });
  return { status: response.status, ...(data ? { data } : {}), ...(error ? { error } : {}) };
}

/** One order by `order.orderId` (any status) or `order.clientOid` (only while unfilled); `data` is [] when none. */
export async function getOrderInfo(
  client: Client<paths>,
  query: Query<"getOrderInfo">,
): Promise<Answer<OrderListResponse>> {
  const { data, error, response } = await client.GET("/api/v2/spot/trade/orderInfo", { params: { query } });
  return { status: response.status, ...(data ? { data } : {}), ...(error ? { error } : {}) };
}

/** A page of open orders, newest first; the next page: `idLessThan` = the last `orderId`. */
export async function getUnfilledOrders(
  client: Client<paths>,
  query: Query<"getUnfilledOrders"> = {},
): Promise<Answer<UnfilledOrderListResponse>> {
  const { data, error, response } = await client.GET("/api/v2/spot/trade/unfilled-orders", { params: { query } });
  return { status: response.status, ...(data ? { data } : {}), ...(error ? { error } : {}) };
}

/** A page of filled and cancelled orders of the last 90 days, newest first. */
export async function getHistoryOrders(
  client: Client<paths>,
  query: Query<"getHistoryOrders"> = {},
): Promise<Answer<OrderListResponse>> {
  const { data, error, response } = await client.GET("/api/v2/spot/trade/history-orders", { params: { query } });
  return { status: response.status, ...(data ? { data } : {}), ...(error ? { error } : {}) };
}
