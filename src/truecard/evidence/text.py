"""Reading text from a tree safely: bounded size, binary junk recognised, any encoding."""

from __future__ import annotations

from dataclasses import dataclass

from truecard.sources.base import ContentNotFetched, Tree

TEXT_LIMIT = 2 * 1024 * 1024  # a card or script larger than 2 MiB is read up to this point


@dataclass
class TextRead:
    """A file read as text within its budget: the text, or why there is none."""

    text: str | None  # None when the file is binary or unreadable
    truncated: bool
    problem: str | None
    not_fetched: bool = False  # listed by its source but its bytes left there (ContentNotFetched)
    data: bytes | None = None  # the bytes the text was decoded from (the file's first `limit`)


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or mostly undecodable bytes."""
    if not data:
        return False
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    try:
        sample.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a multi-byte character cut at the sample's end
            return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def read_text(tree: Tree, path: str, size: int, limit: int = TEXT_LIMIT) -> TextRead:
    try:
        data = tree.read_head(path, min(size, limit))
    except ContentNotFetched as exc:
        return TextRead(None, False, f"not fetched: {exc}", not_fetched=True)
    except OSError as exc:
        return TextRead(None, False, f"unreadable: {exc.strerror or exc}")
    if looks_binary(data):
        return TextRead(None, False, "binary content, not text; ignored")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # Not UTF-8: Latin-1 decodes any byte, so the text stays usable for matching.
        text = data.decode("latin-1")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    truncated = size > limit
    return TextRead(
        text,
        truncated,
        f"larger than {limit // 1048576} MiB; read the first part only" if truncated else None,
        data=data,
    )
