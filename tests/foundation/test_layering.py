"""The apps depend on each other in one direction, as README's "Architecture" says: each layer
imports only from the layers below it, and no import hides inside a function to dodge a cycle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Lowest first. The project shell (settings, URLs, the landing page, the Celery app) sits on
# top; the toolkit of ttm/ sits below every app and imports none.
LAYERS = [
    {"ttm.levels", "ttm.cache", "ttm.spreadsheets", "ttm.log_filters"},
    {"ttm.ratelimit", "ttm.parsing", "ttm.access", "ttm.gunicorn_logging"},
    {"ttm.login_throttle", "ttm.middleware"},
    {"valuecodes"},
    {"diagnostics"},
    {"participation"},
    {"results"},
    {"hub", "reports", "workshops"},
    {"ttm", "ttm.context_processors", "ttm.management", "ttm.views", "ttm.urls", "ttm.celery"},
    {"ttm.settings", "ttm.wsgi", "ttm.asgi"},
]
APPS = ("ttm", "valuecodes", "diagnostics", "participation", "results", "hub", "reports")
APPS += ("workshops",)


def unit(module):
    """The layer entry a module belongs to: an app, or one module of ttm/."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "ttm" and len(parts) > 1 else parts[0]


def level(module):
    name = unit(module)
    for index, members in enumerate(LAYERS):
        if name in members:
            return index
    raise AssertionError(f"{module} is in no layer of tests/foundation/test_layering.py")


def module_name(path):
    dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return dotted.removesuffix(".__init__")


def imports(path):
    """(imported module, line, inside a function or class) for each import of a project module."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([node.module] if node.module else []))
            # `from ttm import access` imports the module ttm.access
            targets = [f"{base}.{alias.name}" if base == "ttm" else base for alias in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in APPS:
                yield target, node.lineno, node.col_offset > 0


def project_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


@pytest.mark.parametrize("path", list(project_modules()), ids=lambda p: module_name(p))
def test_a_module_imports_only_from_its_own_layer_or_below(path):
    here = module_name(path)
    upward = [
        f"line {line}: {target}"
        for target, line, _ in imports(path)
        if unit(target) != unit(here) and level(target) > level(here)
    ]
    assert not upward, f"{here} imports from a higher layer: {upward}"


@pytest.mark.parametrize("path", list(project_modules()), ids=lambda p: module_name(p))
def test_no_import_of_the_project_hides_inside_a_function(path):
    hidden = [f"line {line}: {target}" for target, line, inner in imports(path) if inner]
    assert not hidden, f"{module_name(path)} imports inside a function: {hidden}"


def test_every_app_is_in_a_layer():
    for path in project_modules():
        level(module_name(path))
