"""YAML and JSON from a scanned repository, parsed under budgets.

A YAML alias is a pointer: `yaml.safe_load` shares the aliased object, so loading a
"billion laughs" document is cheap, but every later `str()`, `json.dumps` or walk of it
expands the pointers. 321 bytes of front matter became a 226 MB card.json and, one level
deeper, a MemoryError. So before anything is constructed, the document's event stream is
walked once (iteratively, by libyaml where present) and its *expanded* size (every
node counted once per path that reaches it, plus its scalar's length) and its nesting
depth are computed; a document over either budget is refused as a YAML error with a
plain reason. Documents without aliases are never refused for their size alone, since
their expanded size is about their length.

JSON has no aliases, but Python's parser raises `RecursionError` on deep nesting and
`ValueError` on integers over 4,300 digits: both become `json.JSONDecodeError`, the error
every caller already handles.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, ClassVar

import yaml

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_DEPTH = 100  # real cards and configs nest under 15 levels
EXPANDED_FACTOR = 4  # expanded size allowed per character of the document
EXPANDED_FLOOR = 100_000
EXPANDED_CAP = 16_000_000


_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_PLAIN_SCALARS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp")
)
_KEY_TYPES = (str, int, float, bool, type(None), datetime.date)  # datetime is a date


class _Fallback(Exception):
    """The document needs the general constructor (tags, merge keys, a cycle, odd keys)."""


def _build(loader: Any, node: yaml.Node, memo: dict[int, Any], depth: int = 1) -> Any:
    """What `SafeConstructor` makes of `node`, for the common case, without its generators.

    Mappings, sequences, strings and the implicit scalar types only; the scalars through
    the constructor's own functions. An alias is the same object, as there. Anything else
    raises `_Fallback` before a result is returned, and the general constructor starts over;
    so does a collection nested deeper than MAX_DEPTH (`depth`: the node's, the root's is 1).
    `load_yaml` builds a document only once its budgets passed (`_checked_node`); an alias-free
    one is built from the events instead (`_from_events`).
    """
    tag = node.tag
    if tag == _STR and type(node) is yaml.ScalarNode:
        return node.value
    if tag in _PLAIN_SCALARS and type(node) is yaml.ScalarNode:
        return loader.yaml_constructors[tag](loader, node)
    key = id(node)
    if key in memo:
        made = memo[key]
        if made is _Fallback:  # a node inside itself: a recursive structure
            raise _Fallback
        return made
    if depth > MAX_DEPTH:
        raise _Fallback
    memo[key] = _Fallback
    out: Any
    inner = depth + 1
    if tag == _MAP and type(node) is yaml.MappingNode:
        out = {}
        for key_node, value_node in node.value:
            k = _build(loader, key_node, memo, inner)  # merge ("<<") and "=" keys have their own tags
            if type(k) not in _KEY_TYPES and not isinstance(k, datetime.date):
                raise _Fallback  # a collection as a key: the constructor's error
            out[k] = _build(loader, value_node, memo, inner)
    elif tag == _SEQ and type(node) is yaml.SequenceNode:
        out = [_build(loader, item, memo, inner) for item in node.value]
    else:
        raise _Fallback
    memo[key] = out
    return out


class FastSafeLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """libyaml's safe loader (the pure-Python one where libyaml is missing), giving the same
    data in about half the Python time: implicit scalar tags are remembered by value (the
    resolver is a function of the value alone, without path resolvers), and plain documents
    are built without the constructor's generator machinery (`_build`)."""

    _resolved: ClassVar[dict[str, str]] = {}  # shared by every load in the process

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and not self.yaml_path_resolvers:
            tag = self._resolved.get(value)
            if tag is None:  # not seen yet
                tag = super().resolve(kind, value, implicit)
                if len(self._resolved) < 50_000 and len(value) < 200:
                    self._resolved[value] = tag
            return tag
        return super().resolve(kind, value, implicit)

    def construct_document(self, node: Any) -> Any:
        try:
            return _build(self, node, {})
        except _Fallback:
            return super().construct_document(node)


SAFE_LOADER: Any = FastSafeLoader


class YAMLBudgetError(yaml.YAMLError):
    """A YAML document over a budget; `problem` says which, like libyaml's own errors."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = None


_SCALAR, _START, _END, _ALIAS, _STREAM_END, _OTHER = range(6)
_EVENT_KINDS: dict[type, int] = {  # checked by exact type first: cheaper than isinstance chains
    yaml.ScalarEvent: _SCALAR,
    yaml.MappingStartEvent: _START,
    yaml.SequenceStartEvent: _START,
    yaml.MappingEndEvent: _END,
    yaml.SequenceEndEvent: _END,
    yaml.AliasEvent: _ALIAS,
    yaml.StreamEndEvent: _STREAM_END,
}


def expanded_budget(text: str) -> int:
    return min(EXPANDED_CAP, max(EXPANDED_FLOOR, EXPANDED_FACTOR * len(text)))


def check_yaml(text: str, budget: int | None = None, max_depth: int = MAX_DEPTH) -> int:
    """The expanded size of every document in `text`; `YAMLBudgetError` past a budget.

    Syntax errors are left to the real load, which reports them with their line.
    """
    budget = expanded_budget(text) if budget is None else budget
    try:
        loader = _BASE_LOADER(text)
    except UnicodeEncodeError:  # lone surrogates: never from decoded bytes, but refused cleanly
        raise YAMLBudgetError("text holds characters that are not valid Unicode") from None
    sizes: dict[str, int] = {}  # anchor -> expanded size of the node it names
    stack: list[list[Any]] = []  # [size so far, anchor] per open collection
    total = 0
    get_event = loader.get_event
    kinds = _EVENT_KINDS
    try:
        while True:
            try:
                ev = get_event()
            except yaml.YAMLError:
                return total
            if ev is None:
                return total
            kind = kinds.get(type(ev))
            if kind is None:  # not one of the exact event classes libyaml makes
                kind = next((k for cls, k in kinds.items() if isinstance(ev, cls)), _OTHER)
            if kind == _SCALAR:
                size, anchor = 1 + len(ev.value), ev.anchor
            elif kind == _START:
                stack.append([1, ev.anchor])
                if len(stack) > max_depth:
                    raise YAMLBudgetError(f"nested deeper than {max_depth} levels; refused")
                continue
            elif kind == _END:
                size, anchor = stack.pop()
            elif kind == _ALIAS:
                size, anchor = (sizes.get(ev.anchor, 1) if ev.anchor is not None else 1), None
            elif kind == _STREAM_END:
                return total
            else:  # stream start, document start and end
                continue
            if anchor is not None:
                sizes[anchor] = size
            if stack:
                stack[-1][0] += size
                grown = stack[-1][0]
            else:
                total += size
                grown = total
            if grown > budget:
                raise YAMLBudgetError(
                    f"aliases expand to more than {budget:,} characters (a YAML alias bomb?); refused"
                )
    finally:
        loader.dispose()


_C_PARSER: Any = getattr(getattr(yaml, "cyaml", None), "CParser", None)  # libyaml's, where present
# libyaml composes recursively in C: a document nested 100,000 deep overflows the C stack (a
# crash, not an error), so it composes only documents whose depth is bounded well below that
COMPOSE_DEPTH_BOUND = 5_000


def depth_bound(text: str) -> int:
    """An upper bound of a YAML document's nesting depth, in C-speed string operations.

    Along any path of nested collections, a block collection starts at a column no smaller
    than its parent's, and greater except where a block sequence is a mapping's value at the
    mapping's own indentation ("key:\n- item"), which cannot happen twice in a row: so block
    nesting is at most twice the number of columns, and no column is past the longest line.
    Flow collections (each opened by "[" or "{") add at most one level each. Lines split at
    "\n" only are at least as long as YAML's lines (it also breaks at "\r", NEL, LS and PS)."""
    longest = max(map(len, text.split("\n")), default=0)
    return 2 * (longest + 1) + text.count("[") + text.count("{")


def _within_budgets(root: yaml.Node, budget: int, max_depth: int) -> bool:
    """Whether `check_yaml` passes the composed document `root`: the same expanded size (an
    aliased node counts its size where the alias stands, 1 inside its own anchored node) and
    the same depth (an alias opens no level), counted on the nodes instead of a second parse.
    Iterative, so no depth costs the Python stack."""
    done: dict[int, int] = {}  # id(node) -> expanded size, for nodes seen whole
    open_: set[int] = set()
    # per open collection: [node, iterator over its children, size so far]
    stack: list[list[Any]] = []
    total = 0

    def enter(node: yaml.Node) -> int | None:
        """The node's size when known at once (a scalar, a node seen before); None when it
        is a collection to walk (pushed)."""
        key = id(node)
        if key in done:
            return done[key]
        if key in open_:
            return 1  # an alias inside its own anchored node: check_yaml counts it as 1
        if isinstance(node, yaml.ScalarNode):
            size = 1 + len(node.value)
            done[key] = size
            return size
        children = (x for pair in node.value for x in pair) if isinstance(node, yaml.MappingNode) else iter(node.value)
        open_.add(key)
        stack.append([node, children, 1])
        return None

    size = enter(root)
    if size is not None:
        return size <= budget
    while stack:
        if len(stack) > max_depth:
            return False
        top = stack[-1]
        child = next(top[1], None)
        if child is None:
            stack.pop()
            key = id(top[0])
            open_.discard(key)
            done[key] = size = top[2]
            if stack:
                stack[-1][2] += size
                if stack[-1][2] > budget:
                    return False
            else:
                total += size
            continue
        size = enter(child)
        if size is not None:
            top[2] += size
            if top[2] > budget:
                return False
    return total <= budget


def _checked_node(text: str, loader: Any) -> tuple[Any, yaml.Node | None]:
    """(a loader, the composed document) once the budgets are checked: libyaml composes the
    document once and the budgets are counted on its nodes; anything unusual (an error, a
    document over a budget, one that might nest past what libyaml's C recursion can take, the
    pure-Python loader) runs `check_yaml` first, exactly as before, so every refusal and every
    error is the one `check_yaml` then the load would give."""
    if _C_PARSER is not None and issubclass(loader, _C_PARSER) and depth_bound(text) <= COMPOSE_DEPTH_BOUND:
        ldr = None
        try:
            ldr = loader(text)
            node = ldr.get_single_node()
        except Exception:
            if ldr is not None:
                ldr.dispose()
            check_yaml(text)  # a budget refusal comes first, as it did
            raise
        if node is None or _within_budgets(node, expanded_budget(text), MAX_DEPTH):
            return ldr, node
        ldr.dispose()
        check_yaml(text)  # raises the refusal with its reason
        raise YAMLBudgetError("over the YAML budgets; refused")  # pragma: no cover - check_yaml raised
    check_yaml(text)
    ldr = loader(text)
    try:
        return ldr, ldr.get_single_node()
    except Exception:
        ldr.dispose()
        raise


_NOT_FAST = object()


def _load_alias_free(text: str, loader: Any) -> Any:
    """The document of a text without an alias, built without counting its expanded size
    first; `_NOT_FAST` for anything `_checked_node` must see (an error, a fallback, a depth
    over MAX_DEPTH), which then takes the checked path from the start.

    Without aliases nothing is shared, so the expanded size is that of the document itself:
    one per node plus its scalar's length. A scalar's value is never longer than the text it
    is read from (escapes, folding and indentation only shrink it) and every node takes at
    least one character of its own (a key, an indicator such as "-", ":", "?" or ","), so the
    size is at most about twice the text's length, within the budget of four times it
    (tests/evidence/test_yaml_one_parse.py checks the bound on random alias-free documents).
    Depth is counted while building (`_from_events`). So this path accepts exactly the
    documents the checked one accepts, and skips its walk over every node."""
    try:
        ldr = loader(text)
    except Exception:  # lone surrogates: the checked path refuses them with its reason
        return _NOT_FAST
    try:
        return _from_events(ldr)
    except Exception:
        return _NOT_FAST
    finally:
        ldr.dispose()


# What the safe constructor makes of a plain (unquoted, untagged) scalar is a function of its
# text alone: the implicit resolver picks the tag from the text (there are no path resolvers),
# and the constructors of those tags read only the text. Every such result (str, int, float,
# bool, None, date, datetime) is immutable, so one object may stand for every occurrence.
# Front matter repeats the same few values ("en", "mit", "accuracy", 0.0...) across a card
# and across cards, so each is resolved and constructed once per process.
_PLAIN_KEPT = 50_000
_plain_values: dict[str, Any] = {}
_MISS: Any = object()


# "85.123": the float resolver's pattern matches it (the first resolver tried for a digit),
# and `construct_yaml_float` drops no "_", finds no sign, ":" or ".inf", and returns
# `float(value)`. Most scalars of a large model-index are such figures, each seen once.
_DECIMAL_RE = re.compile(r"[0-9]+\.[0-9]+")


def _plain_value(ldr: Any, value: str, implicit: Any) -> Any:
    """What `SafeConstructor` makes of the plain scalar `value`; remembered in `_plain_values`,
    but for a decimal (read at once, and rarely seen twice)."""
    if _DECIMAL_RE.fullmatch(value):
        return float(value)
    tag = ldr.resolve(yaml.ScalarNode, value, implicit)
    if tag == _STR:
        out: Any = value
    elif tag in _PLAIN_SCALARS:
        out = ldr.yaml_constructors[tag](ldr, yaml.ScalarNode(tag, value))
    else:  # a merge key ("<<") or "=": the general constructor's business
        raise _Fallback
    if len(_plain_values) < _PLAIN_KEPT and len(value) < 200:
        _plain_values[value] = out
    return out


def _from_events(ldr: Any) -> Any:
    """What `ldr.get_single_node()` then `_build` give for an alias-free document, built
    straight from libyaml's events: no node objects, and no second walk over them.

    The composer's rules, for the events this path accepts: an untagged plain scalar is
    resolved (`_plain_value`), a quoted or block one is a string, a mapping's events come in
    key, value order and a later duplicate key replaces the value in the earlier key's place
    (as `dict` assignment does in `construct_mapping`). Anything else raises, and the caller
    takes the general path, which gives the constructor's result or error: a tag, an alias,
    a collection used as a key, a second document, a collection nested deeper than MAX_DEPTH,
    a syntax error (libyaml raises it on reaching it, as composing does). Tested against
    `yaml.load` on random and hostile texts (tests/evidence/test_yaml_one_parse.py)."""
    get = ldr.get_event
    memo = _plain_values
    miss = _MISS
    decimal = _DECIMAL_RE.fullmatch
    scalar_event, map_start, seq_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    ends = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    stack: list[tuple[Any, bool]] = []  # per open collection: its parent and whether that is a mapping
    cur: Any = None  # the innermost open collection
    is_map = False
    key: Any = miss  # the open mapping's key waiting for its value
    root: Any = miss
    while True:
        ev = get()
        kind = type(ev)
        if kind is scalar_event:
            if ev.tag is not None:
                raise _Fallback
            value = ev.value
            if ev.implicit[0]:
                made = memo.get(value, miss)
                if made is not miss:
                    value = made
                elif decimal(value):  # `_plain_value`'s first case, here: most of a model-index
                    value = float(value)
                else:
                    value = _plain_value(ldr, value, ev.implicit)
        elif kind is map_start or kind is seq_start:
            if ev.tag is not None:
                raise _Fallback
            new: Any = {} if kind is map_start else []
            if cur is None:
                if root is not miss:
                    raise _Fallback
                root = new
            elif is_map:
                if key is miss:  # a collection as a key
                    raise _Fallback
                cur[key] = new
                key = miss
            else:
                cur.append(new)
            stack.append((cur, is_map))
            if len(stack) > MAX_DEPTH:
                raise _Fallback
            cur, is_map = new, kind is map_start
            continue
        elif kind in ends:
            cur, is_map = stack.pop()
            continue
        elif kind is yaml.StreamEndEvent:
            return None if root is miss else root
        elif kind is yaml.DocumentStartEvent:
            if root is not miss:  # a second document: the composer's error
                raise _Fallback
            continue
        elif kind is yaml.StreamStartEvent or kind is yaml.DocumentEndEvent:
            continue
        else:  # an alias, or an event of a kind libyaml does not make
            raise _Fallback
        if cur is None:
            if root is not miss:
                raise _Fallback
            root = value
        elif is_map:
            if key is miss:
                key = value
            else:
                cur[key] = value
                key = miss
        else:
            cur.append(value)


def load_yaml(text: str, loader: Any = None) -> Any:
    """`yaml.safe_load` with the alias and depth budgets checked first."""
    loader = loader or SAFE_LOADER
    if (
        "*" not in text  # an alias is "*name": none here
        and _C_PARSER is not None
        and isinstance(loader, type)
        and issubclass(loader, FastSafeLoader)
        and issubclass(loader, _C_PARSER)
        and depth_bound(text) <= COMPOSE_DEPTH_BOUND
    ):
        out = _load_alias_free(text, loader)
        if out is not _NOT_FAST:
            return out
    ldr, node = _checked_node(text, loader)
    try:
        return ldr.construct_document(node) if node is not None else None
    finally:
        ldr.dispose()


def compose_yaml(text: str, loader: Any = None) -> yaml.Node | None:
    """`yaml.compose` (nodes with their line numbers) with the budgets checked first."""
    ldr, node = _checked_node(text, loader or SAFE_LOADER)
    ldr.dispose()
    return node


def load_json(text: str | bytes) -> Any:
    """`json.loads` whose depth and integer-length failures are `json.JSONDecodeError`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise json.JSONDecodeError(f"unreadable value ({str(exc)[:80]})", "", 0) from None
