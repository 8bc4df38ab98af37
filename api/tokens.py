"""API token secrets: generated, hashed and recognised here (no database access)."""

import hashlib
import secrets

# `tdm_` marks a Tandem API token (secret scanners can look for it); 32 random bytes follow.
TOKEN_MARK = "tdm_"
PREFIX_LENGTH = len(TOKEN_MARK) + 8


def generate() -> str:
    return TOKEN_MARK + secrets.token_urlsafe(32)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def prefix(raw: str) -> str:
    return raw[:PREFIX_LENGTH]
