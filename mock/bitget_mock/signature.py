"""Server-side signature verification, written independently of the SDK's signer on purpose.

If the SDK and the mock shared this code, a bug in it would sign and verify identically and hide.
Verification runs over the raw body bytes received and the path as sent; the query as Bitget checks
it: its pairs in the order received, each key and value percent-decoded (ccxt#28888 / PR #28890: a
signature over `symbol=%E9%BE%99...` is refused, one over `symbol=龙虾USDT` accepted).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from urllib.parse import unquote_plus

from .accounts import Account


def decoded_query(query: bytes) -> bytes:
    """The query as signed: each `key=value` pair percent-decoded (UTF-8; `+` is a space, as a servlet
    container form-decodes it), kept in the order received, joined with `&`. Undecodable bytes are
    replaced, so a mangled query cannot match a signature made over the intended one."""
    pairs = []
    for part in query.decode("latin-1").split("&"):
        key, sep, value = part.partition("=")
        pairs.append(unquote_plus(key, errors="replace") + sep + unquote_plus(value, errors="replace"))
    return "&".join(pairs).encode("utf-8")


def prehash(timestamp: str, method: str, raw_path: bytes, body: bytes) -> bytes:
    """`timestamp + METHOD + requestPath[?query] + body`, as bytes (raw_path already holds the query)."""
    return timestamp.encode("ascii") + method.upper().encode("ascii") + raw_path + body


def verify(account: Account, signature: str, message: bytes) -> bool:
    if account.secret_key is not None:
        expected = base64.b64encode(hmac.new(account.secret_key.encode(), message, hashlib.sha256).digest())
        return hmac.compare_digest(expected, signature.encode("ascii", "replace"))
    return _verify_rsa(account, signature, message)


def _verify_rsa(account: Account, signature: str, message: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    assert account.public_key_pem is not None
    key = serialization.load_pem_public_key(account.public_key_pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        raw = base64.b64decode(signature, validate=True)
        key.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
