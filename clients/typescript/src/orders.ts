/**
 * `cancelOrders`' input checked before any I/O (BatchValidationError naming the field) and split into valid
 * batches: at most BATCH_MAX_ORDERS orders (the contract's), never mixing orderId and clientOid (Bitget fails
 * the clientOid items of a mixed batch), one symbol in `single` mode, several symbols packed into full
 * `multiple` batches (under 10 requests a second, fewer fuller requests are what makes a bulk cancel fast).
 */
import { BatchValidationError } from "./errors.js";
import { BATCH_MAX_ORDERS } from "./facts.js";
import type { BatchCancelRequest } from "./types.js";

export type BatchModeOption = "auto" | "single" | "multiple";

/** One order to cancel: its symbol, and exactly one of orderId or clientOid. */
export interface OrderInput {
  symbol?: string;
  orderId?: string;
  clientOid?: string;
}

export interface CancelOrdersInput {
  /** The symbol of `orderIds` / `clientOids`, and the default of `orders` items without one. */
  symbol?: string;
  orderIds?: readonly string[];
  clientOids?: readonly string[];
  orders?: readonly OrderInput[];
  batchMode?: BatchModeOption;
}

export type IdentifierKind = "orderId" | "clientOid";

export interface OrderRef {
  position: number;
  symbol: string;
  kind: IdentifierKind;
  ident: string;
}

export interface Batch {
  mode: "single" | "multiple";
  symbol: string | undefined;
  kind: IdentifierKind;
  orders: OrderRef[];
}

const ITEM_KEYS = new Set(["symbol", "orderId", "clientOid"]);

function text(value: unknown, field: string): string {
  if (typeof value !== "string") throw new BatchValidationError(field, `must be a string, not ${typeof value}`);
  if (!value) throw new BatchValidationError(field, "must not be empty");
  if (!value.isWellFormed()) throw new BatchValidationError(field, "is not valid Unicode text (a lone surrogate)");
  return value;
}

function list(value: unknown, field: string): readonly unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new BatchValidationError(field, "must be an array");
  return value;
}

/** Every order of the input, checked, in input order. */
export function collectOrders(input: CancelOrdersInput): OrderRef[] {
  if (input === null || typeof input !== "object") throw new BatchValidationError("input", "must be an object");
  const symbol = input.symbol === undefined ? undefined : text(input.symbol, "symbol");
  const refs: OrderRef[] = [];
  for (const [field, kind] of [
    ["orderIds", "orderId"],
    ["clientOids", "clientOid"],
  ] as const) {
    const values = list(input[field], field);
    if (!values) continue;
    if (symbol === undefined) throw new BatchValidationError("symbol", `is required with ${field}`);
    values.forEach((v, i) => refs.push({ position: refs.length, symbol, kind, ident: text(v, `${field}[${i}]`) }));
  }
  const orders = list(input.orders, "orders");
  orders?.forEach((raw, i) => {
    const where = `orders[${i}]`;
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new BatchValidationError(where, "must be an object");
    const item = raw as Record<string, unknown>;
    const unknown = Object.keys(item).find((k) => !ITEM_KEYS.has(k));
    if (unknown) throw new BatchValidationError(`${where}.${unknown}`, "unknown field (allowed: symbol, orderId, clientOid)");
    const hasId = item.orderId !== undefined;
    const hasCoid = item.clientOid !== undefined;
    if (hasId === hasCoid) throw new BatchValidationError(where, "give exactly one of orderId or clientOid");
    const kind: IdentifierKind = hasId ? "orderId" : "clientOid";
    const itemSymbol = item.symbol === undefined ? symbol : text(item.symbol, `${where}.symbol`);
    if (itemSymbol === undefined) throw new BatchValidationError(`${where}.symbol`, "is required (or give symbol)");
    refs.push({ position: refs.length, symbol: itemSymbol, kind, ident: text(item[kind], `${where}.${kind}`) });
  });
  if (!refs.length) throw new BatchValidationError("orders", "no orders given (orderIds, clientOids or orders)");
  const seen = new Map<string, number>();
  for (const ref of refs) {
    const key = `${ref.symbol}\u0000${ref.kind}\u0000${ref.ident}`;
    const first = seen.get(key);
    if (first !== undefined) {
      throw new BatchValidationError(
        `orders #${ref.position}`,
        `${ref.kind} ${ref.ident} of ${ref.symbol} is given twice (#${first} too): it would be cancelled once and fail once`,
      );
    }
    seen.set(key, ref.position);
  }
  return refs;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Valid batches for the orders: see the module comment. */
export function planBatches(refs: readonly OrderRef[], batchMode: BatchModeOption = "auto"): Batch[] {
  if (!["auto", "single", "multiple"].includes(batchMode)) {
    throw new BatchValidationError("batchMode", `must be auto, single or multiple, not ${String(batchMode)}`);
  }
  const symbols = [...new Set(refs.map((r) => r.symbol))];
  const mode = batchMode === "auto" ? (symbols.length === 1 ? "single" : "multiple") : batchMode;
  const batches: Batch[] = [];
  for (const kind of ["orderId", "clientOid"] as const) {
    if (mode === "single") {
      for (const symbol of symbols) {
        const group = refs.filter((r) => r.kind === kind && r.symbol === symbol);
        for (const orders of chunks(group, BATCH_MAX_ORDERS)) batches.push({ mode, symbol, kind, orders });
      }
    } else {
      const group = symbols.flatMap((s) => refs.filter((r) => r.kind === kind && r.symbol === s));
      for (const orders of chunks(group, BATCH_MAX_ORDERS)) batches.push({ mode, symbol: undefined, kind, orders });
    }
  }
  return batches;
}

/** The request body of a batch, as the contract types it. */
export function batchBody(batch: Batch): BatchCancelRequest {
  if (batch.mode === "single") {
    return {
      symbol: batch.symbol!,
      batchMode: "single",
      orderList: batch.orders.map((o) => (o.kind === "orderId" ? { orderId: o.ident } : { clientOid: o.ident })),
    };
  }
  return {
    batchMode: "multiple",
    orderList: batch.orders.map((o) =>
      o.kind === "orderId" ? { symbol: o.symbol, orderId: o.ident } : { symbol: o.symbol, clientOid: o.ident },
    ),
  };
}
