/**
 * @bitget-batch-cancel/client: the Bitget spot batch-cancel contract's TypeScript SDK.
 *
 *   import { createBitgetClient } from "@bitget-batch-cancel/client";
 *   const client = createBitgetClient({ apiKey, secretKey, passphrase });
 *   const report = await client.cancelOrders({ symbol: "BTCUSDT", orderIds });
 */
export { BitgetClient, type CallOptions, type ClientOptions, DEFAULT_BASE_URL, createBitgetClient } from "./client.js";
export {
  AuthenticationError,
  BatchValidationError,
  BitgetAPIError,
  BitgetError,
  BitgetTransportError,
  ParameterError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TimestampError,
} from "./errors.js";
export { BATCH_MAX_ORDERS, CONTRACT_VERSION, ERROR_CODES, OPERATIONS, type OperationId } from "./facts.js";
export { SlidingWindowLimiter } from "./limiter.js";
export { type Batch, type BatchModeOption, type CancelOrdersInput, type OrderInput, collectOrders, planBatches } from "./orders.js";
export { createRawClient, signedTarget, signingMiddleware, sortedQuery } from "./raw.js";
export type { CancelReport, OrderOutcome } from "./report.js";
export type { components, operations, paths } from "./schema.js";
export {
  type Credentials,
  encodeQuery,
  encodeQueryComponent,
  parseQuery,
  prehash,
  sign,
  signedHeaders,
  signedQuery,
} from "./signer.js";
export type {
  BatchCancelFailureItem,
  BatchCancelRequest,
  BatchCancelResponse,
  CancelOrderRequest,
  CancelOrderResponse,
  CancelOrderResult,
  CancelSymbolRequest,
  CancelSymbolResponse,
  ErrorResponse,
  Order,
  OrderInfoQuery,
  OrderListResponse,
  Query,
  ServerTimeResponse,
  UnfilledOrder,
  UnfilledOrderListResponse,
} from "./types.js";
