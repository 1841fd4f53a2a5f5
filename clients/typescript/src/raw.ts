/**
 * The low-level typed client: openapi-fetch over the generated `paths`, plus a middleware that signs the
 * exact bytes openapi-fetch is about to send. `createBitgetClient` (client.ts) builds on it; use this one
 * directly only to see raw answers (the conformance runner does).
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import { OPERATIONS } from "./facts.js";
import type { paths } from "./schema.js";
import { type Credentials, signedHeaders } from "./signer.js";
import type {
  BatchCancelRequest,
  BatchCancelResponse,
  ErrorResponse,
  OrderListResponse,
  Query,
  ServerTimeResponse,
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
      const headers = signedHeaders(credentials, request.method, url.pathname + url.search, body, () => Date.now() + clock.offsetMs);
      for (const [name, value] of Object.entries(headers)) {
        request.headers.set(name, value);
      }
      return request;
    },
  };
}

/** Query parameters sorted by name (as the contract asks), so every client sends and signs the same string. */
export function sortedQuery(query: Record<string, unknown>): string {
  const entries = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => [key, String(value)] as [string, string]);
  return new URLSearchParams(entries).toString();
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

/** One order by `orderId` (any status) or `clientOid` (only while unfilled); `data` is [] when none. */
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
): Promise<Answer<OrderListResponse>> {
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
