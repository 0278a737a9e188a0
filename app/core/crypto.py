"""Sealing: bid contents are encrypted at rest with a key per solicitation, derived (HKDF-SHA256)
from a master key that lives outside the database (environment variable or key file). A copy of
the database alone opens nothing.

Ciphertext layout: b"s1" | 12-byte nonce | AES-256-GCM(ciphertext + tag). The associated data
binds each ciphertext to the row it belongs to, so a sealed value moved to another bid or version
fails to open instead of opening as the wrong thing."""
from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

_PREFIX = b"s1"
_NONCE_BYTES = 12


class SealError(Exception):
    """A sealed value does not open: wrong key, wrong row, or the bytes were changed."""


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _decode_master_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        raise RuntimeError("The sealing master key is not valid base64.") from None
    if len(key) != 32:
        raise RuntimeError("The sealing master key must be 32 bytes (44 base64 characters).")
    return key


def load_master_key(config: dict) -> bytes:
    """SEALING_KEY (base64) if set; else the key file, created on first use where allowed."""
    if config.get("SEALING_KEY"):
        return _decode_master_key(config["SEALING_KEY"])
    path = Path(config["SEALING_KEY_FILE"])
    if not path.exists():
        if not config.get("SEALING_KEY_AUTO_CREATE"):
            raise RuntimeError(f"No sealing master key: set SEALING_KEY or create {path} "
                               "(flask keys new-sealing-key).")
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two workers starting together cannot both write a different key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(generate_master_key() + "\n")
    return _decode_master_key(path.read_text())


def _master_key() -> bytes:
    key = current_app.extensions.get("coopbid_sealing_key")
    if key is None:
        key = load_master_key(current_app.config)
        current_app.extensions["coopbid_sealing_key"] = key
    return key


def solicitation_key(solicitation_id: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=f"coopbid/bid-seal/v1/solicitation/{solicitation_id}".encode()).derive(_master_key())


def seal(solicitation_id: int, plaintext: bytes, context: str) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return _PREFIX + nonce + AESGCM(solicitation_key(solicitation_id)).encrypt(
        nonce, plaintext, context.encode())


def unseal(solicitation_id: int, sealed: bytes, context: str) -> bytes:
    if not sealed.startswith(_PREFIX) or len(sealed) < len(_PREFIX) + _NONCE_BYTES + 16:
        raise SealError("not a sealed value")
    nonce = sealed[len(_PREFIX):len(_PREFIX) + _NONCE_BYTES]
    try:
        return AESGCM(solicitation_key(solicitation_id)).decrypt(
            nonce, sealed[len(_PREFIX) + _NONCE_BYTES:], context.encode())
    except InvalidTag:
        raise SealError("sealed value does not open (changed, moved or wrong key)") from None
