"""Sources: where artifacts come from. Each yields a `Tree`; none of them scores."""

from truecard.sources.base import FileEntry, SourceError, Tree
from truecard.sources.options import SourceOptions
from truecard.sources.resolve import open_source

__all__ = ["FileEntry", "SourceError", "SourceOptions", "Tree", "open_source"]
