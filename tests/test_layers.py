"""The layers of docs/architecture.md hold: no module imports one above its own layer (or a
later stage), output and inference do not import each other, and no import circle exists.

Imports are read from the source with ``ast`` (every ``import`` and ``from ... import``,
those inside functions too, since a lazy import up the layers is still one; those under
``if TYPE_CHECKING:`` are for annotations only and left out).
"""

import ast
from pathlib import Path

import pytest

SIM = Path(__file__).parents[1] / "sim"

# Lowest first. A module may import its own layer and those below; the stages also only
# earlier stages, in the order the data flows.
LAYERS = (
    ("ground", ("sim.errors", "sim.tables", "sim.params", "sim.ballot", "sim.limits",
                "sim.portable", "sim.variants", "sim.versions")),
    ("stages", ("sim.polls", "sim.campaign", "sim.count", "sim.law", "sim.districts",
                "sim.stations")),
    # The station screen of published data reads the shipped heterogeneity (sim.packaged);
    # the station run and summary are the engine's per-chunk work on the station stage.
    ("scenario", ("sim.scenario", "sim.packaged", "sim.standalone", "sim.stations.screen")),
    ("engine", ("sim.engine", "sim.stations.run", "sim.stations.summary")),
    ("results", ("sim.output", "sim.inference")),
    ("cli", ("sim.cli", "sim.__main__", "sim")),
)
PEERS = ("sim.output", "sim.inference")  # beside each other: neither imports the other


def module_names() -> dict[str, Path]:
    found = {}
    for path in SIM.rglob("*.py"):
        parts = list(path.relative_to(SIM.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = module_names()


def resolved(name: str) -> str:
    """The module a dotted name lives in (``sim.output.results.FORMAT`` -> its module)."""
    while name not in MODULES:
        name = name.rpartition(".")[0]
    return name


def imports(module: str, source: str | None = None) -> set[str]:
    """The elsim modules ``module`` imports (see the module docstring)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8") if source is None else source)
    typing_only = {id(node) for branch in ast.walk(tree) if isinstance(branch, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(branch.test)
                   for node in ast.walk(branch)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "sim":
            found |= {resolved(f"{node.module}.{alias.name}") for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {resolved(alias.name) for alias in node.names
                      if alias.name.split(".")[0] == "sim"}
    return found - {module}


GRAPH = {module: imports(module) for module in MODULES}


def place(module: str) -> tuple[int, int, str]:
    """(layer, position within the layer, unit): the longest unit that holds ``module``."""
    best = None
    for layer, (_, units) in enumerate(LAYERS):
        for position, unit in enumerate(units):
            if (module == unit or module.startswith(unit + ".")) and \
                    (best is None or len(unit) > len(best[2])):
                best = (layer, position, unit)
    assert best is not None, f"{module} is in no layer of LAYERS: add it"
    return best


def test_every_module_has_a_layer():
    for module in MODULES:
        place(module)


def problems(module: str, targets: set[str]) -> list[str]:
    """Each import of ``targets`` by ``module`` that breaks a rule of the layers."""
    layer, position, unit = place(module)
    found = []
    for target in sorted(targets):
        their_layer, their_position, their_unit = place(target)
        if their_unit == unit:
            continue
        if their_layer > layer:
            found.append(f"{module} imports {target}, a layer above")
        elif their_layer == layer and LAYERS[layer][0] == "stages" and their_position > position:
            found.append(f"{module} imports {target}, a later stage")
        elif unit in PEERS and their_unit in PEERS:
            found.append(f"{module} imports {target}: output and inference stand beside "
                         "each other")
    return found


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_import_runs_up_the_layers(module):
    assert problems(module, GRAPH[module]) == []


@pytest.mark.parametrize("module, source", [
    ("sim.output.results", "from sim import __version__"),  # the package, above every layer
    ("sim.law.methods", "def f():\n    from sim.engine.simulate import simulate"),
    ("sim.polls.spec", "import sim.law.methods"),  # a later stage
    ("sim.inference.posterior", "from sim.output.results import versions"),
    ("sim.tables", "from sim.scenario import Scenario"),
])
def test_an_import_up_the_layers_is_found(module, source):
    assert len(problems(module, imports(module, source))) == 1


def test_an_import_for_annotations_only_is_not_one():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim.scenario import X"
    assert imports("sim.engine.layout", source) == set()


def test_no_import_circle():
    """Tarjan's strongly connected components of the import graph are all single modules."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in GRAPH[module]:
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    assert circles == []

