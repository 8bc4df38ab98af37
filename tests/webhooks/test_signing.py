"""The signature scheme, as a receiver checks it (pure: no database)."""

import hashlib
import hmac

from webhooks import signing

BODY = b'{"id":"e1","type":"ping"}'


def test_it_signs_the_timestamp_and_the_body_with_hmac_sha256() -> None:
    header = signing.header_value("whsec_x", 1_700_000_000, BODY)
    expected = hmac.new(b"whsec_x", b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_it_verifies_a_fresh_signature() -> None:
    header = signing.header_value("whsec_x", 1_700_000_000, BODY)
    assert signing.verify("whsec_x", header, BODY, now=1_700_000_010)


def test_it_refuses_another_secret_a_changed_body_and_an_old_timestamp() -> None:
    header = signing.header_value("whsec_x", 1_700_000_000, BODY)
    assert not signing.verify("whsec_y", header, BODY, now=1_700_000_000)
    assert not signing.verify("whsec_x", header, BODY + b" ", now=1_700_000_000)
    assert not signing.verify("whsec_x", header, BODY, now=1_700_000_000 + 301)


def test_it_refuses_a_malformed_header() -> None:
    assert not signing.verify("whsec_x", "garbage", BODY, now=0)
    assert not signing.verify("whsec_x", "t=abc,v1=00", BODY, now=0)
