/**
 * The SDK's errors. A Bitget code maps to a class by the contract's `x-error-codes` categories (facts.ts),
 * so callers catch a class (`instanceof AuthenticationError`) instead of comparing code strings.
 */
import { ERROR_CODES } from "./facts.js";
import type { CancelReport } from "./report.js";

/** Base of every error this SDK throws; `report` is set when the error ended a `cancelOrders` run. */
export class BitgetError extends Error {
  report?: CancelReport;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input Bitget would reject, caught before any network I/O; `field` names it (e.g. `orders[3].orderId`). */
export class BatchValidationError extends BitgetError {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/** Bitget answered with an error envelope (or an HTTP error status). */
export class BitgetAPIError extends BitgetError {
  readonly code: string;
  readonly msg: string;
  readonly httpStatus: number;
  readonly requestTime: number | string | undefined;
  constructor(code: string, msg: string, httpStatus: number, requestTime?: number | string) {
    super(`Bitget error ${code} (HTTP ${httpStatus}): ${msg}`);
    this.code = code;
    this.msg = msg;
    this.httpStatus = httpStatus;
    this.requestTime = requestTime;
  }
}

/** Missing or wrong key, passphrase or signature. */
export class AuthenticationError extends BitgetAPIError {}
/** ACCESS-TIMESTAMP outside the server's window: sync the clock (done once automatically on 40008). */
export class TimestampError extends BitgetAPIError {}
/** The key lacks the permission or is bound to other IPs. */
export class PermissionDeniedError extends BitgetAPIError {}
/** The server rejected the request's parameters. */
export class ParameterError extends BitgetAPIError {}
/** HTTP 429: over the rate limit (retried automatically before thrown). */
export class RateLimitError extends BitgetAPIError {}
/** HTTP 5xx: the outcome of the request is unknown. */
export class ServerError extends BitgetAPIError {}

/** The request could not be completed on the network; `sent` says whether it may have reached Bitget. */
export class BitgetTransportError extends BitgetError {
  readonly sent: boolean;
  constructor(message: string, sent: boolean) {
    super(message);
    this.sent = sent;
  }
}

const BY_CATEGORY: Record<string, typeof BitgetAPIError> = {
  authentication: AuthenticationError,
  timestamp: TimestampError,
  permission: PermissionDeniedError,
  parameter: ParameterError,
  "rate-limit": RateLimitError,
  server: ServerError,
};
const BY_CODE = new Map(ERROR_CODES.filter(([, c]) => c in BY_CATEGORY).map(([code, c]) => [code, BY_CATEGORY[c]!]));

export function errorClass(code: string, httpStatus: number): typeof BitgetAPIError {
  if (httpStatus === 429) return RateLimitError;
  if (httpStatus >= 500) return ServerError;
  const known = BY_CODE.get(code);
  if (known) return known;
  if (httpStatus === 401) return AuthenticationError;
  if (httpStatus === 403) return PermissionDeniedError;
  return httpStatus >= 400 ? ParameterError : BitgetAPIError;
}
