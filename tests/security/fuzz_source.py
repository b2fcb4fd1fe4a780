"""Loaded by schemathesis (SCHEMATHESIS_HOOKS) in tests/security/fuzz.test.ts: every connection
leaves from FUZZ_SOURCE_ADDRESS (a 127.0.0.x of the fuzz run's own), so the per-client rate
limits and failed-login counts it runs into are its own, not those of the suites after it."""

import os

import urllib3.util.connection as connection

_source = os.environ.get("FUZZ_SOURCE_ADDRESS")
_create = connection.create_connection


def _create_from_source(address, *args, **kwargs):
    if _source and not kwargs.get("source_address"):
        kwargs["source_address"] = (_source, 0)
    return _create(address, *args, **kwargs)


connection.create_connection = _create_from_source
