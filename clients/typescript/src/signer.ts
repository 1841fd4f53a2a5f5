/**
 * Bitget request signing, written from the contract's `x-signing` section alone:
 * base64(HMAC-SHA256 | SHA256withRSA (timestamp + METHOD + requestPath[?query] + body)).
 * The body is signed as the exact UTF-8 bytes sent. The query is sent sorted by name and percent-encoded
 * (`encodeQuery`), and signed percent-decoded, pairs in the order sent (`signedQuery`): Bitget verifies
 * over `clientOid=bot:7 x/y` what arrives as `?clientOid=bot%3A7%20x%2Fy`.
 */
import { createHmac, createSign } from "node:crypto";

export type Credentials =
  | { apiKey: string; passphrase: string; secretKey: string }
  | { apiKey: string; passphrase: string; privateKeyPem: string };

/** Every UTF-8 byte outside `A-Z a-z 0-9 - _ . ~` as `%XX` (a space as `%20`, `+` as `%2B`), as the contract asks. */
export function encodeQueryComponent(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `key=value` pairs, each side encoded with `encodeQueryComponent`, joined by `&`, in the order given. */
export function encodeQuery(pairs: Iterable<readonly [string, string]>): string {
  return Array.from(pairs, ([key, value]) => `${encodeQueryComponent(key)}=${encodeQueryComponent(value)}`).join("&");
}

function formDecode(text: string): string {
  const spaced = text.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    // Not a valid escape or not UTF-8: decode what can be, byte runs that cannot stay as sent.
    return spaced.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** The pairs of a query as sent (no leading `?`), in order, form-decoded (`+` is a space). */
export function parseQuery(sent: string): [string, string][] {
  return sent
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      return eq < 0 ? [formDecode(part), ""] : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))];
    });
}

/** The query string Bitget signs for a query sent as `sent` (no leading `?`): the pairs in the same order, decoded. */
export function signedQuery(sent: string): string {
  return parseQuery(sent)
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

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
