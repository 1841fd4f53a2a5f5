/**
 * What an answer means, and what it means for each order: the same rules as the Python SDK's engine.
 * I/O-free: the client sends and waits; every decision is made here.
 */
import {
  AuthenticationError,
  BitgetAPIError,
  type BitgetError,
  BitgetTransportError,
  PermissionDeniedError,
  TimestampError,
  errorClass,
} from "./errors.js";
import { ERROR_CODES } from "./facts.js";
import type { Batch, OrderRef } from "./orders.js";
import type { OrderOutcome, Resolved, Status } from "./report.js";

/** "The order does not exist": the contract's order-category codes. */
export const NOT_FOUND_CODES = new Set(ERROR_CODES.filter(([, c]) => c === "order").map(([code]) => code));

export interface Attempt {
  kind: "ok" | "retry" | "fatal" | "batch_error";
  /** The request may have taken effect (answer lost, unreadable, a 5xx). */
  uncertain: boolean;
  /** The connection could not be made: nothing was sent. */
  connectFailed: boolean;
  /** A 429: refused before any effect. */
  throttled: boolean;
  retryAfterMs?: number | undefined;
  status?: number | undefined;
  payload?: Record<string, unknown> | undefined;
  error?: BitgetError | undefined;
}

function decode(body: unknown): Record<string, unknown> | undefined {
  let value = body;
  if (typeof body === "string") {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The answer with the credentials' secrets replaced, before anything of it is kept (a server may echo them). */
function scrub(body: unknown, redact: (text: string) => string): unknown {
  if (typeof body === "string") return redact(body);
  if (body === null || typeof body !== "object") return body;
  const text = JSON.stringify(body);
  const clean = redact(text);
  if (clean === text) return body;
  try {
    return JSON.parse(clean) as unknown;
  } catch {
    return clean;
  }
}

function snippet(body: unknown): string {
  const raw = typeof body === "string" ? body : JSON.stringify(body ?? "");
  if (!raw.trim()) return "empty body";
  return JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}...` : raw);
}

function retryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const when = Date.parse(value);
  return Number.isNaN(when) ? undefined : Math.max(0, when - Date.now());
}

/**
 * Only a fully readable success is `ok` (code the string "00000", `data` of the operation's shape). Any other
 * 2xx, a 3xx, a 5xx or another status is uncertain; a 4xx is a rejection before any effect (429 retried).
 */
export function classifyResponse(
  status: number,
  body: unknown,
  dataOk: (data: unknown) => boolean,
  headers?: Headers,
  redact: (text: string) => string = (t) => t,
): Attempt {
  body = scrub(body, redact);
  const payload = decode(body);
  const base = { uncertain: false, connectFailed: false, throttled: false, status };
  if (status >= 200 && status < 300 && payload && payload.code === "00000" && dataOk(payload.data)) {
    return { ...base, kind: "ok", payload };
  }
  const code = typeof payload?.code === "string" && payload.code ? payload.code : String(status);
  const rawMsg = payload?.msg ?? payload?.message;
  const requestTime = typeof payload?.requestTime === "number" || typeof payload?.requestTime === "string" ? payload.requestTime : undefined;
  if (status >= 400 && status < 500) {
    const msg = typeof rawMsg === "string" && rawMsg ? rawMsg : `HTTP ${status}`;
    const error = new (errorClass(code, status))(code, msg, status, requestTime);
    if (status === 429 || code === "429") {
      return { ...base, kind: "retry", throttled: true, error, retryAfterMs: retryAfter(headers?.get("retry-after") ?? null) };
    }
    const fatal = error instanceof AuthenticationError || error instanceof TimestampError || error instanceof PermissionDeniedError;
    return { ...base, kind: fatal ? "fatal" : "batch_error", error };
  }
  let msg: string;
  if (status >= 200 && status < 300) msg = `unreadable answer (HTTP ${status}, ${snippet(body)}): it may have been processed`;
  else if (status >= 300 && status < 400) msg = `redirected to ${headers?.get("location") ?? "(no Location)"}; redirects are not followed`;
  else msg = typeof rawMsg === "string" && rawMsg ? rawMsg : `HTTP ${status} (${snippet(body)})`;
  const error = new (errorClass(code, status))(code, msg, status, requestTime);
  return { ...base, kind: "retry", uncertain: true, error };
}

const CONNECT_FAILURES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** A fetch that threw: a connection never made was not sent; anything later may have been processed. */
export function classifyTransport(error: unknown, what: string): Attempt {
  const cause = (error as { cause?: { code?: string } })?.cause;
  const code = cause?.code ?? (error as { code?: string })?.code;
  const connectFailed = typeof code === "string" && CONNECT_FAILURES.has(code);
  const name = (error as Error)?.name === "TimeoutError" ? "no complete answer within the timeout" : String((error as Error)?.message ?? error);
  const detail = code ? `${name} (${code})` : name;
  const transport = new BitgetTransportError(`${what}: ${detail}`, !connectFailed);
  return { kind: "retry", uncertain: !connectFailed, connectFailed, throttled: false, error: transport };
}

export interface Attempts {
  final: Attempt;
  count: number;
  uncertain: boolean;
}

function outcome(ref: OrderRef, attempts: number, errorCode?: string, errorMsg?: string): OrderOutcome {
  return {
    symbol: ref.symbol,
    orderId: ref.kind === "orderId" ? ref.ident : undefined,
    clientOid: ref.kind === "clientOid" ? ref.ident : undefined,
    errorCode,
    errorMsg,
    attempts,
  };
}

/** A non-empty string field of an answer's item; null, "" and absent (all allowed for the identifier not given) are undefined. */
function str(item: Record<string, unknown>, key: string): string | undefined {
  const value = item[key];
  return typeof value === "string" && value ? value : undefined;
}

/** The outcome with the other identifier the answer's item names (a clientOid cancel learns its orderId, and back). */
function withItemIds(o: OrderOutcome, item: Record<string, unknown>): OrderOutcome {
  o.orderId ??= str(item, "orderId");
  o.clientOid ??= str(item, "clientOid");
  return o;
}

/**
 * Each order of the batch exactly once: `cancelled` only if an answer said so, `failed` only if no attempt
 * can have cancelled it; once an attempt is uncertain, nothing becomes `failed` (a later "does not exist"
 * may be the lost attempt's own cancel).
 */
export function resolveBatch(batch: Batch, result: Attempts): Resolved[] {
  const { final, count: n } = result;
  if (final.kind !== "ok") {
    const code = final.error instanceof BitgetAPIError ? final.error.code : undefined;
    let msg = final.error ? final.error.message : "no answer";
    let status: Status = "failed";
    if (result.uncertain) {
      status = "unknown";
      msg = `outcome unknown after ${n} attempt${n === 1 ? "" : "s"}: an earlier answer was lost; last: ${msg}`;
    }
    return batch.orders.map((o) => ({ position: o.position, status, outcome: outcome(o, n, code, msg) }));
  }
  const data = final.payload!.data as { successList: unknown[]; failureList: unknown[] };
  const sent = new Set(batch.orders.map((o) => o.ident));
  const index = (items: unknown[]): [Map<string, Record<string, unknown>>, boolean] => {
    const out = new Map<string, Record<string, unknown>>();
    let stray = false;
    for (const raw of items) {
      const item = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
      const ident = item[batch.kind];
      if (typeof ident !== "string" || !sent.has(ident)) stray = true;
      else if (!out.has(ident)) out.set(ident, item);
    }
    return [out, stray];
  };
  const [successes, strayS] = index(data.successList);
  const [failures, strayF] = index(data.failureList);
  return batch.orders.map((ref): Resolved => {
    const s = successes.get(ref.ident);
    const f = failures.get(ref.ident);
    if (s && f) {
      return { position: ref.position, status: "unknown", outcome: withItemIds(outcome(ref, n, str(f, "errorCode"), "listed in both successList and failureList"), s) };
    }
    if (s) return { position: ref.position, status: "cancelled", outcome: withItemIds(outcome(ref, n), s) };
    if (f) {
      const code = str(f, "errorCode");
      const msg = str(f, "errorMsg") ?? "";
      if (result.uncertain) {
        const note = `an earlier attempt's answer was lost, and the retry said [${code ?? "-"}] ${msg}: the lost attempt may have cancelled it`;
        return { position: ref.position, status: "unknown", outcome: withItemIds(outcome(ref, n, code, note), f) };
      }
      if (strayS || strayF) {
        const note = `[${code ?? "-"}] ${msg}, in an answer that also listed orders that were not sent`;
        return { position: ref.position, status: "unknown", outcome: withItemIds(outcome(ref, n, code, note), f) };
      }
      return { position: ref.position, status: "failed", outcome: withItemIds(outcome(ref, n, code, msg), f) };
    }
    return { position: ref.position, status: "unknown", outcome: outcome(ref, n, undefined, "listed in neither successList nor failureList") };
  });
}
