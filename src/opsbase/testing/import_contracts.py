"""An import-linter contract: a module imports another module only if it declares it.

Enabled in ``pyproject.toml``::

    [tool.importlinter]
    contract_types = ["module_dependencies: opsbase.testing.import_contracts.ModuleDependencies"]

    [[tool.importlinter.contracts]]
    name = "modules import another module only through a declared dependency"
    type = "module_dependencies"
    modules_package = "opsbase.modules"

Each module's dependencies are read from its ``apps.py`` (the ``dependencies`` attribute of its
``ModuleConfig``) without starting Django, so the contract needs no settings. A project's own
modules can use it with their package.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from grimp import ImportGraph
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck

from opsbase.modules import declared_dependencies


class ModuleDependencies(Contract):
    """Every import from one module of *modules_package* into another is declared."""

    type_name = "module_dependencies"

    modules_package = fields.StringField()

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        package = str(self.modules_package)
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ValueError(f"{package} is not a package")
        folder = Path(next(iter(spec.submodule_search_locations)))
        modules = {
            child.name: declared_dependencies(child / "apps.py")
            for child in sorted(folder.iterdir())
            if (child / "apps.py").is_file()
        }
        undeclared: list[dict[str, object]] = []
        for name, allowed in modules.items():
            source = f"{package}.{name}"
            for importer in sorted(graph.find_descendants(source) | {source}):
                for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                    if not imported.startswith(f"{package}."):
                        continue
                    target = imported[len(package) + 1 :].split(".", 1)[0]
                    if target == name or target in allowed or target not in modules:
                        continue
                    details = graph.get_import_details(importer=importer, imported=imported)
                    undeclared.append(
                        {
                            "module": name,
                            "needs": target,
                            "importer": importer,
                            "imported": imported,
                            "lines": [d["line_number"] for d in details],
                        }
                    )
        return ContractCheck(kept=not undeclared, metadata={"undeclared": undeclared})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for item in check.metadata["undeclared"]:
            lines = ", ".join(f"l.{n}" for n in item["lines"])
            output.print_error(
                f"{item['importer']} -> {item['imported']} ({lines}): the module "
                f"{item['module']!r} does not declare {item['needs']!r} in its "
                "ModuleConfig.dependencies",
                bold=False,
            )
            output.new_line()
