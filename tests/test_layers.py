"""The import contracts of `make lint` (pyproject.toml's [tool.importlinter]) hold for the code as
it is, and each one fails when an import breaks it: a contract that could never fail would
guard nothing. Plus: every module of the apps is in a layer, and docs/layers.svg is current."""

import tomllib
from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract

from tools import module_graph

# What `lint-imports` sets up before it checks (the forbidden contract times its search).
configuration.configure()

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
TYPES: dict[str, type[ForbiddenContract | LayersContract | IndependenceContract]] = {
    "forbidden": ForbiddenContract,
    "layers": LayersContract,
    "independence": IndependenceContract,
}

# One import per contract that it must refuse: (contract id, importer, imported).
VIOLATIONS = [
    ("pure-domain", "plans.domain.rules", "django"),
    # Sessions reaching up into planning: the direction workouts -> plans runs one way.
    ("layers", "workouts.models", "plans.services"),
    ("layers", "athletes.models", "workouts.models"),
    ("layers", "plans.domain.weeks", "plans.models"),
    # A page borrowing another app's API, or its own.
    ("views", "plans.views", "workouts.views"),
    ("views", "plans.api", "workouts.api"),
    ("views", "workouts.phone_views", "workouts.api"),
]


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph(*CONFIG["root_packages"], include_external_packages=True)


def _contract(contract_id: str):
    (options,) = [c for c in CONFIG["contracts"] if c["id"] == contract_id]
    session = {k: v for k, v in CONFIG.items() if k != "contracts"}
    contract_options = {k: v for k, v in options.items() if k not in ("id", "name", "type")}
    return TYPES[options["type"]](options["name"], session, contract_options)


@pytest.mark.parametrize("contract_id", [c["id"] for c in CONFIG["contracts"]])
def test_the_code_keeps_the_contract(graph, contract_id):
    assert _contract(contract_id).check(deepcopy(graph), verbose=False).kept


@pytest.mark.parametrize(("contract_id", "importer", "imported"), VIOLATIONS)
def test_the_contract_refuses_a_breaking_import(graph, contract_id, importer, imported):
    broken = deepcopy(graph)
    broken.add_import(importer=importer, imported=imported, line_number=1, line_contents="x")
    assert not _contract(contract_id).check(broken, verbose=False).kept


def test_every_module_of_the_apps_is_in_a_layer():
    layers = module_graph.read_layers()
    assert module_graph.unlayered(module_graph.build_graph(), layers) == []


def test_the_committed_picture_is_current():
    assert module_graph.main(["--check"]) == 0, "run `make graph` and commit docs/layers.svg"
