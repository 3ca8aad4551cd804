"""Opaque, tamper-proof tokens for page addresses, made with a server secret.

Why: a mystery case travels in its link, so the link must neither show the answer nor let a
student set it. A token is the JSON payload encrypted and then signed (encrypt-then-MAC):

- encryption: the payload XOR a keystream of HMAC-SHA256 blocks keyed by the secret over a
  fresh 16-byte nonce and a block counter (HMAC as a pseudo-random function in counter mode,
  from the standard library);
- signature: ``itsdangerous.Signer`` (HMAC-SHA256, its own key derived from the secret with a
  salt), so any changed character makes the token unreadable rather than another case.

The secret is ``MMN_SIM_SECRET`` when set (give every process of a multi-process deployment
the same value), else a random one created on first use in the user's data directory, outside
the repository (``$XDG_DATA_HOME/mmn-sim/secret`` or ``~/.local/share/mmn-sim/secret``;
``%APPDATA%\\mmn-sim\\secret`` on Windows), readable by the owner only. Changing the secret
invalidates every link made with the old one.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, Signer

__all__ = ["SECRET_ENV", "secret_path", "server_secret", "seal", "unseal"]

SECRET_ENV = "MMN_SIM_SECRET"
_NONCE = 16
_SALT = b"mmn-sim sealed token signature"
_ENCRYPT = b"mmn-sim sealed token encryption"


def secret_path() -> Path:
    """Where the server secret is kept when ``MMN_SIM_SECRET`` is not set."""
    if os.name == "nt" and os.environ.get("APPDATA"):
        base = Path(os.environ["APPDATA"])
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "mmn-sim" / "secret"


def server_secret() -> bytes:
    """The secret tokens are made with: the environment's, else the kept one (created, owner
    read/write only, by whichever process comes first; the others read it)."""
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.encode()
    path = secret_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(32))
    text = path.read_text().strip()
    if not text:
        raise RuntimeError(f"the token secret file {path} is empty; delete it to make a new "
                           f"one, or set {SECRET_ENV}")
    return text.encode()


def _keystream(key: bytes, nonce: bytes, size: int) -> bytes:
    blocks = (hmac.new(key, nonce + i.to_bytes(4, "big"), hashlib.sha256).digest()
              for i in range(-(-size // 32)))
    return b"".join(blocks)[:size]


def _keys(secret: bytes, purpose: str) -> tuple[bytes, Signer]:
    enc = hmac.new(secret, _ENCRYPT + purpose.encode(), hashlib.sha256).digest()
    signer = Signer(secret, salt=_SALT + purpose.encode(), digest_method=hashlib.sha256)
    return enc, signer


def seal(payload: Any, secret: bytes, purpose: str) -> str:
    """A URL-safe token of a JSON-able ``payload``; ``purpose`` separates kinds of token."""
    enc, signer = _keys(secret, purpose)
    plain = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    nonce = secrets.token_bytes(_NONCE)
    body = nonce + bytes(a ^ b for a, b in zip(plain, _keystream(enc, nonce, len(plain)),
                                                strict=True))
    text = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return signer.sign(text).decode()


def unseal(token: str, secret: bytes, purpose: str, max_chars: int = 4000) -> Any:
    """The payload of a :func:`seal` token, or None if it is not one made with this secret
    and purpose (changed, truncated, forged or too long)."""
    if not isinstance(token, str) or len(token) > max_chars or not token.isascii():
        return None
    enc, signer = _keys(secret, purpose)
    try:
        text = signer.unsign(token).decode()
        body = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (BadSignature, binascii.Error, ValueError, UnicodeDecodeError):
        return None
    nonce, data = body[:_NONCE], body[_NONCE:]
    if len(nonce) < _NONCE:
        return None
    plain = bytes(a ^ b for a, b in zip(data, _keystream(enc, nonce, len(data)), strict=True))
    try:
        return json.loads(plain)
    except (UnicodeDecodeError, ValueError):
        return None
