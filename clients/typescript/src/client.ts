/**
 * A typed Bitget batch-cancel client: openapi-fetch over the generated `paths`, plus a middleware
 * that signs the exact bytes openapi-fetch is about to send.
 */
import createClient, { type Client, type Middleware } from "openapi-fetch";

import type { components, paths } from "./schema.js";
import { type Credentials, signedHeaders } from "./signer.js";

export type BatchCancelRequest = components["schemas"]["BatchCancelRequest"];
export type BatchCancelResponse = components["schemas"]["BatchCancelResponse"];
export type ErrorResponse = components["schemas"]["ErrorResponse"];

export interface ClientOptions {
  baseUrl?: string;
  clockOffsetMs?: number;
}

export function signingMiddleware(credentials: Credentials, clockOffsetMs = 0): Middleware {
  return {
    async onRequest({ request }) {
      const body = new Uint8Array(await request.clone().arrayBuffer());
      const url = new URL(request.url);
      const headers = signedHeaders(credentials, request.method, url.pathname + url.search, body, () => Date.now() + clockOffsetMs);
      for (const [name, value] of Object.entries(headers)) {
        request.headers.set(name, value);
      }
      return request;
    },
  };
}

export function createBitgetClient(credentials: Credentials, options: ClientOptions = {}): Client<paths> {
  const client = createClient<paths>({ baseUrl: options.baseUrl ?? "https://api.bitget.com" });
  client.use(signingMiddleware(credentials, options.clockOffsetMs ?? 0));
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
