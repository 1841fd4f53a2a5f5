/**
 * `createBitgetClient(credentials, options)`: the contract's operations, signed, limited, retried and
 * classified by one runtime core, and `cancelOrders` (validation, batching, a per-order report) with the
 * same guarantees as the Python SDK: every order exactly once, `cancelled` only if an answer said so,
 * `failed` only if no attempt can have cancelled it, otherwise `unknown`.
 */
import { readFileSync } from "node:fs";

import type { Client } from "openapi-fetch";

import { type Attempt, type Attempts, classifyResponse, classifyTransport, resolveBatch } from "./engine.js";
import { BatchValidationError, BitgetAPIError, BitgetError, BitgetTransportError, TimestampError } from "./errors.js";
import { CONTRACT_VERSION, OPERATIONS, type OperationId } from "./facts.js";
import { sharedLimiter, type SlidingWindowLimiter } from "./limiter.js";
import { type Batch, type CancelOrdersInput, batchBody, collectOrders, planBatches } from "./orders.js";
import { createRawClient } from "./raw.js";
import { type CancelReport, type Resolved, buildReport } from "./report.js";
import type { paths } from "./schema.js";
import type { Credentials } from "./signer.js";
import type {
  BatchCancelRequest,
  BatchCancelResponse,
  CancelOrderRequest,
  CancelOrderResponse,
  CancelSymbolRequest,
  CancelSymbolResponse,
  OrderListResponse,
  Query,
  ServerTimeResponse,
  UnfilledOrderListResponse,
} from "./types.js";

export const DEFAULT_BASE_URL = "https://api.bitget.com";

export interface ClientOptions {
  /** Default https://api.bitget.com (an empty string means the default too). */
  baseUrl?: string;
  /** Each attempt, connect to last byte (default 10000). */
  timeoutMs?: number;
  /** Retries of failures that may recur: 5xx, lost answers, no connection (default 3). */
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Batch cancels per second for this key (default: the contract's x-rate-limit; 0: no client-side limit). */
  rateLimit?: number;
  /** Batches in flight at once in `cancelOrders` (default 10). */
  maxConcurrency?: number;
  clockOffsetMs?: number;
  /** On a timestamp rejection (40008), measure the clock offset once and resend (default true). */
  autoSyncTime?: boolean;
}

export interface CallOptions {
  /** This call's per-attempt timeout instead of the client's. */
  timeoutMs?: number;
  /** Aborts the call (and, in `cancelOrders`, the run: the error thrown carries `.report`). */
  signal?: AbortSignal;
  maxRetries?: number;
}

/** A 429 is refused before any effect: within a run it is retried for this long after its first one. */
const THROTTLED_PATIENCE_MS = 120_000;
/** Connection failures in a row (nothing sent) before a run gives up. */
const FAIL_FAST_AFTER = 3;

function checkInt(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new BatchValidationError(name, `must be an integer >= ${min}, not ${String(value)}`);
  return value;
}

function checkMs(name: string, value: number | undefined, fallback: number, positive: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw new BatchValidationError(name, `must be a finite number ${positive ? "> 0" : ">= 0"}, not ${String(value)}`);
  }
  return value;
}

function checkBaseUrl(value: string | undefined): string {
  if (value === undefined || value === "") return DEFAULT_BASE_URL;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BatchValidationError("baseUrl", `must be an http(s) URL such as ${DEFAULT_BASE_URL}, not ${JSON.stringify(value)}`);
  }
  if (!["http:", "https:"].includes(url.protocol) || url.search || url.hash || url.username) {
    throw new BatchValidationError("baseUrl", `must be an http(s) URL without query, fragment or user info, not ${JSON.stringify(value)}`);
  }
  return value.replace(/\/+$/, "");
}

function checkCredentials(credentials: Credentials): Credentials {
  if (credentials === null || typeof credentials !== "object") throw new BatchValidationError("credentials", "must be an object");
  for (const key of ["apiKey", "passphrase"] as const) {
    if (typeof credentials[key] !== "string" || !credentials[key]) throw new BatchValidationError(`credentials.${key}`, "must be a non-empty string");
  }
  const hmac = "secretKey" in credentials && typeof credentials.secretKey === "string" && credentials.secretKey !== "";
  const rsa = "privateKeyPem" in credentials && typeof credentials.privateKeyPem === "string" && credentials.privateKeyPem !== "";
  if (hmac === rsa) throw new BatchValidationError("credentials", "give exactly one of secretKey (HMAC) or privateKeyPem (RSA)");
  return credentials;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const done = () => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    };
    const aborted = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

const dataShapes: Record<OperationId, (data: unknown) => boolean> = {
  batchCancelOrders: (d) =>
    d !== null && typeof d === "object" && Array.isArray((d as Record<string, unknown>).successList) && Array.isArray((d as Record<string, unknown>).failureList),
  getServerTime: (d) => d !== null && typeof d === "object",
  getOrderInfo: Array.isArray,
  getUnfilledOrders: Array.isArray,
  getHistoryOrders: Array.isArray,
  cancelSymbolOrders: (d) => d !== null && typeof d === "object" && typeof (d as Record<string, unknown>).symbol === "string",
  cancelOrder: (d) => d !== null && typeof d === "object" && !Array.isArray(d),
  getSymbols: Array.isArray,
  getCurrentPlanOrders: (d) => d !== null && typeof d === "object" && !Array.isArray(d),
  getHistoryPlanOrders: (d) => d !== null && typeof d === "object" && !Array.isArray(d),
  cancelPlanOrder: (d) => d !== null && typeof d === "object" && typeof (d as Record<string, unknown>).result === "string",
  batchCancelPlanOrders: (d) => d !== null && typeof d === "object" && !Array.isArray(d),
};

/** A non-empty, well-formed string (or undefined when optional). */
function checkText(field: string, value: unknown, optional: boolean): void {
  if (value === undefined && optional) return;
  if (typeof value !== "string" || !value) throw new BatchValidationError(field, "must be a non-empty string");
  if (!value.isWellFormed()) throw new BatchValidationError(field, "is not valid Unicode text (a lone surrogate)");
}

/** Query values that cannot be percent-encoded as UTF-8 (a lone surrogate) are refused before any I/O. */
function checkQuery(query: Record<string, unknown>, prefix = ""): void {
  for (const [key, value] of Object.entries(query)) {
    if (typeof value === "string" && !value.isWellFormed()) {
      throw new BatchValidationError(`${prefix}${key}`, "is not valid Unicode text (a lone surrogate)");
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) checkQuery(value as Record<string, unknown>, `${prefix}${key}.`);
  }
}

interface Send {
  query?: Record<string, unknown>;
  body?: unknown;
}

interface DriveOptions {
  signal?: AbortSignal | undefined;
  timeoutMs: number;
  maxRetries: number;
  /** Retry attempts whose effect is uncertain (a run tracks them; a single call does not). */
  retryUncertain: boolean;
  /** Part of a run: a 429 is retried for THROTTLED_PATIENCE_MS. */
  patient: boolean;
  /** Called when an attempt holds its permit and is about to be sent. */
  onSend?: () => void;
  onAttempt?: (attempt: Attempt) => void;
  shouldStop?: () => boolean;
}

export class BitgetClient {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly maxConcurrency: number;
  readonly autoSyncTime: boolean;
  #clock = { offsetMs: 0 };
  readonly #raw: Client<paths>;
  readonly #apiKey: string;
  readonly #backoffBaseMs: number;
  readonly #backoffMaxMs: number;
  readonly #rateLimit: number | undefined;
  readonly #redact: (text: string) => string;

  constructor(credentials: Credentials, options: ClientOptions = {}) {
    const creds = checkCredentials(credentials);
    this.baseUrl = checkBaseUrl(options.baseUrl);
    this.timeoutMs = checkMs("timeoutMs", options.timeoutMs, 10_000, true);
    this.maxRetries = checkInt("maxRetries", options.maxRetries, 3, 0);
    this.maxConcurrency = checkInt("maxConcurrency", options.maxConcurrency, 10, 1);
    this.#backoffBaseMs = checkMs("backoffBaseMs", options.backoffBaseMs, 250, false);
    this.#backoffMaxMs = checkMs("backoffMaxMs", options.backoffMaxMs, 5_000, false);
    this.#rateLimit = options.rateLimit === undefined ? undefined : checkInt("rateLimit", options.rateLimit, 0, 0);
    this.#clock.offsetMs = checkInt("clockOffsetMs", options.clockOffsetMs, 0, Number.MIN_SAFE_INTEGER);
    if (options.autoSyncTime !== undefined && typeof options.autoSyncTime !== "boolean") {
      throw new BatchValidationError("autoSyncTime", "must be true or false");
    }
    this.autoSyncTime = options.autoSyncTime ?? true;
    this.#apiKey = creds.apiKey;
    const secrets = [creds.passphrase, "secretKey" in creds ? creds.secretKey : creds.privateKeyPem].filter((x) => x.length >= 4);
    this.#redact = (text) => secrets.reduce((t, secret) => (t.includes(secret) ? t.split(secret).join("***") : t), text);
    this.#raw = createRawClient(creds, { baseUrl: this.baseUrl, clock: this.#clock });
  }

  /** Credentials from BITGET_API_KEY, BITGET_SECRET_KEY (or BITGET_PRIVATE_KEY_FILE), BITGET_PASSPHRASE; base URL from BITGET_BASE_URL. */
  static fromEnv(env: Record<string, string | undefined> = process.env, options: ClientOptions = {}): BitgetClient {
    const apiKey = env.BITGET_API_KEY ?? "";
    const passphrase = env.BITGET_PASSPHRASE ?? "";
    const keyFile = env.BITGET_PRIVATE_KEY_FILE;
    const credentials: Credentials = keyFile
      ? { apiKey, passphrase, privateKeyPem: readFileSync(keyFile, "utf8") }
      : { apiKey, passphrase, secretKey: env.BITGET_SECRET_KEY ?? "" };
    const baseUrl = options.baseUrl ?? env.BITGET_BASE_URL;
    return new BitgetClient(credentials, { ...options, ...(baseUrl ? { baseUrl } : {}) });
  }

  toString(): string {
    return `BitgetClient(${this.baseUrl}, apiKey ${this.#apiKey.slice(0, 6)}...)`;
  }

  /** Node's util.inspect: the same, never a secret. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  get clockOffsetMs(): number {
    return this.#clock.offsetMs;
  }

  #limiter(op: OperationId): SlidingWindowLimiter {
    const facts = OPERATIONS[op];
    const limit = op === "batchCancelOrders" && this.#rateLimit !== undefined ? this.#rateLimit : facts.rateLimit;
    const owner = facts.rateScope === "ip" ? "ip" : `key:${this.#apiKey}`;
    return sharedLimiter(`${owner}:${op}`, limit, facts.rateWindowMs);
  }

  /** One attempt within the operation's budget. */
  async #attempt(op: OperationId, send: Send, options: DriveOptions): Promise<Attempt> {
    const permit = await this.#limiter(op).acquire(options.signal);
    const facts = OPERATIONS[op];
    try {
      options.onSend?.();
      const timeout = AbortSignal.timeout(options.timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      const init: Record<string, unknown> = { signal, parseAs: "text", redirect: "manual" };
      if (send.query) init.params = { query: send.query };
      if (send.body !== undefined) init.body = send.body;
      let result: { data?: unknown; error?: unknown; response: Response };
      try {
        // The typed wrappers below check each operation's parameters against the contract's types.
        result = await (this.#raw as unknown as { request: (m: string, p: string, i: unknown) => Promise<typeof result> }).request(
          facts.method.toLowerCase(),
          facts.path,
          init,
        );
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        return classifyTransport(error, `${facts.method} ${this.baseUrl}${facts.path}`);
      }
      const { response } = result;
      return classifyResponse(response.status, response.ok ? result.data : result.error, dataShapes[op], response.headers, this.#redact);
    } finally {
      permit.release();
    }
  }

  #backoff(retry: number): number {
    const d = Math.min(this.#backoffMaxMs, this.#backoffBaseMs * 2 ** (retry - 1));
    return d / 2 + Math.random() * (d / 2);
  }

  /** One request through its retries (the same rules as the Python SDK's `attempt_steps`). */
  async #drive(op: OperationId, send: Send, options: DriveOptions): Promise<Attempts> {
    let count = 0;
    let throttled = 0;
    let firstThrottled: number | undefined;
    let uncertain = false;
    let resynced = !this.autoSyncTime;
    for (;;) {
      const attempt = await this.#attempt(op, send, options);
      count += 1;
      uncertain ||= attempt.uncertain;
      options.onAttempt?.(attempt);
      if (!resynced && attempt.error instanceof TimestampError) {
        resynced = true;
        await this.syncTime({ timeoutMs: options.timeoutMs, ...(options.signal ? { signal: options.signal } : {}) }).catch(
          () => undefined,
        );
        continue;
      }
      const retryable = attempt.kind === "retry" && (options.retryUncertain || !attempt.uncertain);
      if (!retryable || options.shouldStop?.()) return { final: attempt, count, uncertain };
      let wait: number;
      if (attempt.throttled && options.patient) {
        throttled += 1;
        firstThrottled ??= performance.now();
        wait = Math.max(this.#backoff(throttled), attempt.retryAfterMs ?? 0);
        if (performance.now() + wait - firstThrottled > THROTTLED_PATIENCE_MS) return { final: attempt, count, uncertain };
      } else {
        if (count - throttled > options.maxRetries) return { final: attempt, count, uncertain };
        wait = this.#backoff(count - throttled);
      }
      await sleep(wait, options.signal);
      if (options.shouldStop?.()) return { final: attempt, count, uncertain };
    }
  }

  /** A single operation: retried only while surely without effect (reads: always). */
  async #call<T>(op: OperationId, send: Send, call: CallOptions = {}): Promise<T> {
    const timeoutMs = checkMs("timeoutMs", call.timeoutMs, this.timeoutMs, true);
    const maxRetries = checkInt("maxRetries", call.maxRetries, this.maxRetries, 0);
    if (send.query) checkQuery(send.query);
    const result = await this.#drive(op, send, {
      signal: call.signal,
      timeoutMs,
      maxRetries,
      retryUncertain: OPERATIONS[op].method === "GET",
      patient: false,
    });
    if (result.final.kind === "ok") return result.final.payload as T;
    throw result.final.error ?? new BitgetError("no answer");
  }

  // --- the contract's operations ----------------------------------------------------------------

  /** Exactly one signed batch cancel (at most 50 orders). Per-order failures are in `data.failureList`. */
  async batchCancelOrders(body: BatchCancelRequest, call?: CallOptions): Promise<BatchCancelResponse> {
    const refs = collectOrders({
      ...(body.symbol !== undefined ? { symbol: body.symbol } : {}),
      orders: body.orderList as CancelOrdersInput["orders"] & object,
    });
    const batches = planBatches(refs, body.batchMode === "multiple" ? "multiple" : "single");
    if (batches.length !== 1) {
      throw new BatchValidationError("orderList", "must be at most 50 orders of one identifier kind (use cancelOrders for more)");
    }
    return await this.#call<BatchCancelResponse>("batchCancelOrders", { body }, call);
  }

  /** `GET /api/v2/public/time`: the exchange's clock (unsigned). */
  async getServerTime(call?: CallOptions): Promise<ServerTimeResponse> {
    return await this.#call<ServerTimeResponse>("getServerTime", {}, call);
  }

  /**
   * One order: `{ order: { orderId } }` (any status) or `{ order: { clientOid } }` (only while unfilled); `data`
   * is [] when none. Sent as `?orderId=...` / `?clientOid=...` (the contract's exploded `order` parameter).
   */
  async getOrderInfo(query: Query<"getOrderInfo">, call?: CallOptions): Promise<OrderListResponse> {
    const order: unknown = query?.order;
    if (order === null || typeof order !== "object" || Array.isArray(order)) {
      throw new BatchValidationError("order", "give order: { orderId } or { clientOid }");
    }
    const { orderId, clientOid } = order as Record<string, unknown>;
    if (orderId === undefined && clientOid === undefined) throw new BatchValidationError("order", "give orderId or clientOid");
    checkText("order.orderId", orderId, true);
    checkText("order.clientOid", clientOid, true);
    return await this.#call<OrderListResponse>("getOrderInfo", { query }, call);
  }

  /** A page of open orders, newest first (`priceAvg` is each one's limit price); the next page: `idLessThan` = the last `orderId`. */
  async getUnfilledOrders(query: Query<"getUnfilledOrders"> = {}, call?: CallOptions): Promise<UnfilledOrderListResponse> {
    return await this.#call<UnfilledOrderListResponse>("getUnfilledOrders", { query }, call);
  }

  /** A page of filled and cancelled orders of the last 90 days, newest first. */
  async getHistoryOrders(query: Query<"getHistoryOrders"> = {}, call?: CallOptions): Promise<OrderListResponse> {
    return await this.#call<OrderListResponse>("getHistoryOrders", { query }, call);
  }

  /** Ask Bitget to cancel every open order of a symbol; carried out asynchronously (read the result back). */
  async cancelSymbolOrders(body: CancelSymbolRequest, call?: CallOptions): Promise<CancelSymbolResponse> {
    if (!body || typeof body.symbol !== "string" || !body.symbol) throw new BatchValidationError("symbol", "must be a non-empty string");
    return await this.#call<CancelSymbolResponse>("cancelSymbolOrders", { body }, call);
  }

  /**
   * Cancel one order of `symbol` by `orderId` or `clientOid` (with both, `orderId` identifies it). An order that
   * does not exist or is no longer open is refused: a BitgetAPIError with code `43001`. Not retried once it may
   * have been processed (a lost answer, a 5xx): read the order back (`getOrderInfo`).
   */
  async cancelOrder(body: CancelOrderRequest, call?: CallOptions): Promise<CancelOrderResponse> {
    if (body === null || typeof body !== "object") throw new BatchValidationError("body", "must be an object");
    // Bitget's table: symbol unless tpslType is tpsl, which then needs orderId (the contract's allOf).
    const tpsl = body.tpslType === "tpsl";
    checkText("symbol", body.symbol, tpsl);
    if (body.orderId === undefined && body.clientOid === undefined) throw new BatchValidationError("orderId", "give orderId or clientOid");
    if (tpsl && body.orderId === undefined) throw new BatchValidationError("orderId", "is required when tpslType is tpsl");
    checkText("orderId", body.orderId, true);
    checkText("clientOid", body.clientOid, true);
    if (body.tpslType !== undefined && body.tpslType !== "normal" && body.tpslType !== "tpsl") {
      throw new BatchValidationError("tpslType", "must be normal or tpsl");
    }
    return await this.#call<CancelOrderResponse>("cancelOrder", { body }, call);
  }

  /** Measure the offset to Bitget's clock and sign with it from now on; returns it (ms). */
  async syncTime(call: CallOptions = {}): Promise<number> {
    const sentAt = Date.now();
    const answer = await this.getServerTime({ ...call, maxRetries: call.maxRetries ?? 1 });
    const receivedAt = Date.now();
    const serverMs = Number(answer.data.serverTime);
    if (!Number.isFinite(serverMs)) throw new BitgetAPIError("00000", "unexpected server time answer", 200);
    this.#clock.offsetMs = Math.round(serverMs - (sentAt + receivedAt) / 2);
    return this.#clock.offsetMs;
  }

  // --- the batch job ------------------------------------------------------------------------------

  /**
   * Cancel any number of orders: validated up front (BatchValidationError naming the field, before any
   * I/O), split into valid batches, sent within the rate limit with retries (re-signed each time), and
   * accounted for order by order. An error that ends the run (refused credentials, an unreachable
   * exchange, an abort through `signal`) carries `.report` for every order.
   */
  async cancelOrders(input: CancelOrdersInput, call: CallOptions = {}): Promise<CancelReport> {
    const refs = collectOrders(input);
    const batches = planBatches(refs, input.batchMode ?? "auto");
    const timeoutMs = checkMs("timeoutMs", call.timeoutMs, this.timeoutMs, true);
    const maxRetries = checkInt("maxRetries", call.maxRetries, this.maxRetries, 0);
    const started = performance.now();
    const run = new Run(batches);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length && !run.stopping()) {
        const i = next++;
        run.started.add(i);
        try {
          const result = await this.#drive("batchCancelOrders", { body: batchBody(batches[i]!) }, {
            signal: call.signal,
            timeoutMs,
            maxRetries,
            retryUncertain: true,
            patient: true,
            onSend: () => run.maybeSent.add(i),
            onAttempt: (a) => run.observe(a),
            shouldStop: () => run.stopping(),
          });
          run.record(i, result);
        } catch (error) {
          run.interrupt(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxConcurrency, batches.length) }, worker));
    return run.finish(performance.now() - started);
  }
}

/** The bookkeeping of one `cancelOrders` run: every order ends in exactly one list, whatever happens. */
class Run {
  readonly started = new Set<number>();
  readonly maybeSent = new Set<number>();
  readonly #batches: Batch[];
  readonly #resolved: Resolved[] = [];
  readonly #done = new Set<number>();
  #stop: unknown;
  #requests = 0;
  #retries = 0;
  #sent = 0;
  #connectFailures = 0;

  constructor(batches: Batch[]) {
    this.#batches = batches;
  }

  stopping(): boolean {
    return this.#stop !== undefined;
  }

  observe(attempt: Attempt): void {
    this.#requests += 1;
    if (!attempt.connectFailed) {
      this.#sent += 1;
      this.#connectFailures = 0;
      return;
    }
    this.#connectFailures += 1;
    if (this.#connectFailures >= FAIL_FAST_AFTER && this.#stop === undefined) {
      this.#stop = new BitgetTransportError(
        `the exchange could not be reached (${this.#connectFailures} connection failures in a row; last: ${attempt.error?.message}); the run stopped`,
        false,
      );
    }
  }

  record(i: number, result: Attempts): void {
    this.#retries += result.count - 1;
    this.#resolved.push(...resolveBatch(this.#batches[i]!, result));
    this.#done.add(i);
    if (result.final.kind === "fatal" && this.#stop === undefined) this.#stop = result.final.error;
  }

  /** A batch threw instead of returning (an abort through the caller's signal, or a bug): the run stops. */
  interrupt(error: unknown): void {
    this.#stop ??= error;
  }

  finish(elapsedMs: number): CancelReport {
    const why = this.#stop instanceof Error ? `${this.#stop.name}: ${this.#stop.message}` : String(this.#stop ?? "the run ended early");
    const code = this.#stop instanceof BitgetAPIError ? this.#stop.code : undefined;
    const leftovers: Resolved[] = [];
    this.#batches.forEach((batch, i) => {
      if (this.#done.has(i)) return;
      const inFlight = this.maybeSent.has(i);
      for (const o of batch.orders) {
        leftovers.push({
          position: o.position,
          status: inFlight ? "unknown" : "failed",
          outcome: {
            symbol: o.symbol,
            orderId: o.kind === "orderId" ? o.ident : undefined,
            clientOid: o.kind === "clientOid" ? o.ident : undefined,
            errorCode: code,
            errorMsg: inFlight ? `outcome unknown: the run stopped (${why}) while this order's request was in flight` : `not sent: the run stopped (${why})`,
            attempts: 0,
          },
        });
      }
    });
    const report = buildReport([...this.#resolved, ...leftovers], {
      requestCount: this.#requests,
      retryCount: this.#retries,
      sentCount: this.#sent,
      elapsedMs,
    });
    if (this.#stop !== undefined) {
      if (this.#stop !== null && typeof this.#stop === "object") (this.#stop as { report?: CancelReport }).report = report;
      throw this.#stop;
    }
    return report;
  }
}

/** A client for one API key (HMAC `secretKey` or RSA `privateKeyPem`); options are checked here. */
export function createBitgetClient(credentials: Credentials, options: ClientOptions = {}): BitgetClient {
  return new BitgetClient(credentials, options);
}

export { CONTRACT_VERSION };
