/** What happened to each order of a `cancelOrders` run. */

/** One order as given, with what Bitget said (`orderId` is filled in for clientOid cancels). */
export interface OrderOutcome {
  symbol: string;
  orderId: string | undefined;
  clientOid: string | undefined;
  errorCode: string | undefined;
  errorMsg: string | undefined;
  /** Attempts made for its batch. */
  attempts: number;
}

/**
 * Every order given is in exactly one of `cancelled`, `failed`, `unknown`, in input order. `cancelled`: an
 * answer said so. `failed`: no attempt can have cancelled it (Bitget refused it, or it was never sent).
 * `unknown`: everything else (an answer lost, unreadable or a 5xx, and no later answer said "cancelled").
 */
export interface CancelReport {
  cancelled: OrderOutcome[];
  failed: OrderOutcome[];
  unknown: OrderOutcome[];
  /** Attempts made; `retryCount` of them after a batch's first; `sentCount` that may have reached Bitget. */
  requestCount: number;
  retryCount: number;
  sentCount: number;
  elapsedMs: number;
}

export type Status = "cancelled" | "failed" | "unknown";

export interface Resolved {
  position: number;
  status: Status;
  outcome: OrderOutcome;
}

export function buildReport(resolved: Resolved[], counts: Omit<CancelReport, "cancelled" | "failed" | "unknown">): CancelReport {
  const report: CancelReport = { cancelled: [], failed: [], unknown: [], ...counts };
  for (const r of [...resolved].sort((a, b) => a.position - b.position)) report[r.status].push(r.outcome);
  return report;
}
