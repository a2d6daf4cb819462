"""No import cycles between the modules of umcr_console (issue 21 item 1).

A cycle makes a module's import order matter, hides which idea depends on
which, and is how "imported here, not at the top" workarounds start. grimp
(which import-linter uses) builds the graph, lazy and TYPE_CHECKING imports
included: a cycle through a function-level import is still a cycle.
"""

from collections.abc import Iterable, Mapping

import grimp

PACKAGE = "umcr_console"

# No cycle is allowed (the last one, ui/main_window <-> ui/eido_dialog, was
# broken by MainWindow.open_intake). Add nothing here: break the cycle.
KNOWN_UI_CYCLES: frozenset[frozenset[str]] = frozenset()


def cycles(imports: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """Every set of modules that import each other round a loop (strongly connected
    components of more than one module, or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    # Tarjan's algorithm, iterative: the package is deep enough to matter.
    for root in sorted(imports):
        if root in index:
            continue
        work: list[tuple[str, list[str]]] = [(root, sorted(imports.get(root, ())))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, todo = work[-1]
            if todo:
                child = todo.pop()
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, sorted(imports.get(child, ()))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in imports.get(node, ()):
                    found.append(frozenset(component))
    return found


def package_imports(graph: grimp.ImportGraph, package: str) -> dict[str, set[str]]:
    """Each module of ``package`` and the modules of ``package`` it imports directly."""
    inside = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    return {m: graph.find_modules_directly_imported_by(m) & inside for m in inside}


def _describe(graph: grimp.ImportGraph, cycle: frozenset[str]) -> str:
    first = min(cycle)
    back = [m for m in cycle if first in graph.find_modules_directly_imported_by(m)]
    chain = graph.find_shortest_chain(importer=first, imported=back[0]) if back else None
    loop = " -> ".join((*chain, first)) if chain else ", ".join(sorted(cycle))
    return f"{sorted(cycle)}: e.g. {loop}"


def test_the_package_has_no_import_cycle() -> None:
    graph = grimp.build_graph(PACKAGE)
    found = set(cycles(package_imports(graph, PACKAGE)))
    new = found - KNOWN_UI_CYCLES
    assert not new, "import cycles:\n" + "\n".join(
        _describe(graph, c) for c in sorted(new, key=min)
    )
    gone = KNOWN_UI_CYCLES - found
    assert not gone, f"these cycles are gone: take them out of KNOWN_UI_CYCLES: {gone}"


def test_the_finder_finds_a_cycle() -> None:
    """The check above can fail: a loop hidden among other imports is found."""
    graph = grimp.ImportGraph()
    for importer, imported in [
        ("pkg.a", "pkg.b"),
        ("pkg.b", "pkg.c"),
        ("pkg.c", "pkg.a"),  # the loop a -> b -> c -> a
        ("pkg.c", "pkg.d"),
        ("pkg.d", "pkg.e"),
        ("pkg.f", "pkg.f"),  # a module importing itself
        ("other.x", "pkg.a"),  # outside the package: ignored
        ("pkg.e", "other.x"),
    ]:
        graph.add_import(importer=importer, imported=imported)
    assert set(cycles(package_imports(graph, "pkg"))) == {
        frozenset({"pkg.a", "pkg.b", "pkg.c"}),
        frozenset({"pkg.f"}),
    }
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []
