/**
 * Bitget request signing, written from the contract's `x-signing` section alone:
 * base64(HMAC-SHA256 | SHA256withRSA (timestamp + METHOD + requestPath[?query] + body)).
 * The body is signed as the exact UTF-8 bytes sent.
 */
import { createHmac, createSign } from "node:crypto";

export type Credentials =
  | { apiKey: string; passphrase: string; secretKey: string }
  | { apiKey: string; passphrase: string; privateKeyPem: string };

export function prehash(timestamp: string, method: string, requestPath: string, body: string | Uint8Array = ""): Buffer {
  const head = Buffer.from(timestamp + method.toUpperCase() + requestPath, "utf8");
  const tail = typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body);
  return Buffer.concat([head, tail]);
}

export function sign(credentials: Credentials, message: Buffer): string {
  if ("secretKey" in credentials) {
    return createHmac("sha256", credentials.secretKey).update(message).digest("base64");
  }
  return createSign("RSA-SHA256").update(message).sign(credentials.privateKeyPem, "base64");
}

/** The four ACCESS-* headers for one request. `now` is injectable for tests and clock offsets. */
export function signedHeaders(
  credentials: Credentials,
  method: string,
  requestPath: string,
  body: string | Uint8Array,
  now: () => number = Date.now,
): Record<string, string> {
  const timestamp = String(now());
  return {
    "ACCESS-KEY": credentials.apiKey,
    "ACCESS-SIGN": sign(credentials, prehash(timestamp, method, requestPath, body)),
    "ACCESS-TIMESTAMP": timestamp,
    "ACCESS-PASSPHRASE": credentials.passphrase,
  };
}
