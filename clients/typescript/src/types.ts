/** The contract's request and answer types by name (from the generated schema), shared by every module. */
import type { components, operations } from "./schema.js";

export type BatchCancelRequest = components["schemas"]["BatchCancelRequest"];
export type BatchCancelResponse = components["schemas"]["BatchCancelResponse"];
export type BatchCancelFailureItem = components["schemas"]["BatchCancelFailureItem"];
export type CancelOrderRequest = components["schemas"]["CancelOrderRequest"];
export type CancelOrderResponse = components["schemas"]["CancelOrderResponse"];
export type CancelOrderResult = components["schemas"]["CancelOrderResult"];
export type CancelSymbolRequest = components["schemas"]["CancelSymbolRequest"];
export type CancelSymbolResponse = components["schemas"]["CancelSymbolResponse"];
export type ErrorResponse = components["schemas"]["ErrorResponse"];
export type OrderListResponse = components["schemas"]["OrderListResponse"];
export type ServerTimeResponse = components["schemas"]["ServerTimeResponse"];
export type Order = components["schemas"]["Order"];
export type OrderInfoQuery = components["schemas"]["OrderInfoQuery"];
/** An open order as `getUnfilledOrders` returns it: `priceAvg` is its limit price, `basePrice` its average fill price. */
export type UnfilledOrder = components["schemas"]["UnfilledOrder"];
export type UnfilledOrderListResponse = components["schemas"]["UnfilledOrderListResponse"];
/** An operation's query parameters. */
export type Query<Op extends keyof operations> = NonNullable<operations[Op]["parameters"]["query"]>;
