"""Schema checks of the supply-chain formats, shared by the BOM reader and the BOM writer.

A CycloneDX BOM a repository ships (`truecard.integrity.declared`) and the one truecard writes
(`truecard.reports.cyclonedx_report`) are checked against the same 1.6 JSON schema, which
`cyclonedx-python-lib` (the `formats` extra) ships, offline. The check lives here, below both,
because the reader may not import the report layer.
"""

from __future__ import annotations


def validate_cyclonedx(text: str) -> list[str]:
    """Errors of a CycloneDX JSON document against the 1.6 schema shipped with the library.

    Raises ImportError when the `formats` extra is not installed (callers say so).
    """
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    if errors is None:
        return []
    errs = [errors] if not isinstance(errors, list | tuple) and not hasattr(errors, "__iter__") else list(errors)
    return [str(e) for e in errs]
