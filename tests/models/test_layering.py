"""No import cycles, module by module (issue 12.2), and the result type's report conveniences.

`lint-imports` (tests/commands/test_registry.py) checks the layer order of the top-level
packages and that no siblings import each other in a ring; neither sees a package whose
`__init__` and one of its own modules import each other (`truecard.licenses` <->
`licenses.text` was one), nor the public facade's lazy attributes, which `truecard/__init__`
reaches through importlib. This test builds the same graph (grimp, import-linter's library)
with those lazy edges added, and requires it to have no cycle at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grimp
import pytest

import truecard
from truecard import models

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "tiny-open-model"


def _edges() -> dict[str, set[str]]:
    graph = grimp.build_graph("truecard", include_external_packages=False, exclude_type_checking_imports=True)
    edges = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    edges["truecard"] |= set(truecard._LAZY.values())  # the facade's lazy attributes
    return edges


def _cycles(edges: dict[str, set[str]]) -> Iterator[list[str]]:
    """Every strongly connected component of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    m = stack.pop()
                    on_stack.discard(m)
                    component.append(m)
                    if m == node:
                        break
                if len(component) > 1:
                    yield sorted(component)


def test_the_cycle_finder_finds_a_cycle() -> None:
    """The check can fail: a ring through a package's own `__init__` is found."""
    edges = {"p": {"p.text"}, "p.text": {"p.memo"}, "p.memo": {"p"}, "q": {"p"}}
    assert list(_cycles(edges)) == [["p", "p.memo", "p.text"]]


def test_no_module_imports_itself_through_others() -> None:
    found = list(_cycles(_edges()))
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_internal_modules_read_the_version_below_the_facade() -> None:
    """Only the facade and the layers above the library (CLI, dashboard) use `truecard.__version__`;
    anything the facade reaches lazily reads `truecard._version`, or it would import the facade."""
    edges = _edges()
    reached: set[str] = set()
    todo = list(truecard._LAZY.values())
    while todo:
        m = todo.pop()
        if m not in reached:
            reached.add(m)
            todo.extend(edges.get(m, ()))
    assert "truecard" not in reached
    assert truecard.__version__ == truecard._version.__version__


@pytest.mark.parametrize("target, public", [
    (models.RENDER, "render"),
    (models.NOTEBOOK_HTML, "notebook_html"),
])
def test_the_conveniences_name_the_report_layer_functions(target: str, public: str) -> None:
    """`Scorecard.render`/`to_markdown`/`_repr_html_` reach the report layer by these names, not by
    import; a renamed function must fail here rather than in a user's notebook."""
    fn = models._report_layer(target)
    assert callable(fn) and fn.__name__ == public
    if public == "render":
        assert fn is truecard.render


def test_the_conveniences_give_the_reports() -> None:
    card = truecard.scan(EXAMPLE)
    assert card.to_markdown() == truecard.render(card, "markdown")
    assert card.render("table", width=120) == truecard.render(card, "table", width=120)
    assert card.to_html() == truecard.render(card, "html")
    assert card._repr_html_().startswith("<style>") and "tiny-open-model" in card._repr_html_()
