"""A claim's `evidence_url`: checked as pydantic's `HttpUrl` checks it, kept as the URL string.

The check is pydantic_core's `url` schema (http or https, at most 2083 characters) rather than
`pydantic.HttpUrl`, whose module costs every cold scan an import (tests/commands/test_scan_imports.py);
these pin what that must keep: the normalised URL, the error messages, the JSON Schema.
"""

from __future__ import annotations

import pytest
from pydantic import BaseModel, HttpUrl, ValidationError

from truecard.evidence.claims import ClaimsError, ClaimsFile, ClaimSpec, parse_claims


class _Reference(BaseModel):
    evidence_url: HttpUrl | None = None


URLS = [
    "https://example.org",
    "HTTPS://Example.ORG:443/a/../b?q=1#f",
    "http://例え.jp/パス",
    "  https://example.org/padded  ",
    "https://user:pw@example.org:8443/p?q",
    "ftp://example.org",
    "javascript:alert(1)",
    "not a url",
    "",
    "https://",
    "http://1.2.3.4:99999/",
    "http://example.org/" + "a" * 2100,
    5,
    ["https://example.org"],
]


def _reference(url: object) -> str:
    """What pydantic's HttpUrl makes of `url`: the URL string, or the first error's message."""
    try:
        return str(_Reference(evidence_url=url).evidence_url)
    except ValidationError as exc:
        return "error: " + exc.errors()[0]["msg"]


@pytest.mark.parametrize("url", URLS, ids=range(len(URLS)))
def test_evidence_url_is_checked_and_normalised_as_httpurl_does(url):
    try:
        (claim,) = ClaimsFile.model_validate(
            {"claims": [{"criterion": "reproducible.replication", "evidence_url": url}]}
        ).claims
        got = claim.evidence_url
    except ValidationError as exc:
        got = "error: " + exc.errors()[0]["msg"]
    assert got == _reference(url)


def test_a_bad_url_in_a_claims_file_names_the_field_and_the_reason():
    with pytest.raises(ClaimsError) as exc:
        parse_claims("claims: [{criterion: reproducible.replication, evidence_url: 'ftp://x.org'}]", "W")
    assert str(exc.value) == "W: invalid claims: claims.0.evidence_url: URL scheme should be 'http' or 'https'"


def test_the_url_is_written_as_the_normalised_string():
    (claim,) = parse_claims("claims: [{criterion: reproducible.replication, evidence_url: 'HTTPS://X.ORG'}]", "W")
    assert claim.evidence_url == "https://x.org/"
    assert claim.model_dump() == {"criterion": "reproducible.replication", "points": 2,
                                  "evidence_url": "https://x.org/", "note": ""}
    assert '"evidence_url":"https://x.org/"' in claim.model_dump_json()


@pytest.mark.parametrize("mode", ["validation", "serialization"])
def test_the_json_schema_is_httpurls(mode):
    want = _Reference.model_json_schema(mode=mode)["properties"]["evidence_url"]
    got = ClaimSpec.model_json_schema(mode=mode)["properties"]["evidence_url"]
    assert got == want
    assert {"format": "uri", "maxLength": 2083, "minLength": 1, "type": "string"} in got["anyOf"]
