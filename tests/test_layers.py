"""Arrows one way: an app imports only the apps on the floors below it (decision 0017).

Every `import` in every module of `src/ansinh` is read with `ast`, those inside function
bodies too (a function-level import is still an arrow), and checked against `FLOORS`. Apps on
one floor do not import each other either. Django's string references between models
("collection.Organisation") are not imports and are not checked here.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "ansinh"

#: Lowest first. The project modules (settings, urls, wsgi, cli) sit on the top floor with web.
FLOORS = [
    {"rules"},
    {"common"},
    {"places"},
    {"accounts"},
    {"parameters"},
    {"registry"},
    {"enrolment"},
    {"collection", "counselling"},
    {"targets", "lookup", "risk"},
    {"campaigns"},
    {"reports"},
    {"demo"},
    {"web", "settings", "urls", "wsgi", "cli"},
]
FLOOR = {app: n for n, apps in enumerate(FLOORS) for app in apps}
#: Packages that hold data, not code (translations, formats).
NOT_APPS = {"locale", "formats", "__init__"}


def _app_of(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path):
    """(line, imported ansinh app) for every absolute import of another ansinh module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "ansinh":  # from ansinh import registry
                names = [f"ansinh.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "ansinh" and len(parts) > 1:
                yield node.lineno, parts[1]


def _modules():
    return sorted(p for p in SRC.rglob("*.py") if "migrations" not in p.parts)


def test_every_app_has_a_floor():
    apps = {_app_of(p) for p in _modules()} - NOT_APPS
    assert apps <= set(FLOOR), f"apps without a floor: {sorted(apps - set(FLOOR))}"


#: The admin site's wiring: loaded by django.contrib.admin's autodiscovery and imported by no
#: module, it stands on the top floor whatever app it registers (its base, the audited admin,
#: is in accounts).
WIRING = {"admin.py"}


def upward_imports() -> list[str]:
    found = []
    for path in _modules():
        app = _app_of(path)
        if app in NOT_APPS or path.name in WIRING:
            continue
        for line, target in _imports(path):
            if target == app or target in NOT_APPS:
                continue
            if FLOOR[target] >= FLOOR[app]:
                found.append(f"{path.relative_to(SRC)}:{line} {app} -> {target}")
    return found


def test_no_app_imports_an_app_on_its_floor_or_above():
    assert upward_imports() == []


def test_no_module_imports_another_apps_private_name():
    found = []
    for path in _modules():
        app = _app_of(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                parts = node.module.split(".")
                if parts[0] != "ansinh" or len(parts) < 2 or parts[1] == app:
                    continue
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno} {private}")
    assert found == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def f():\n    from ansinh.web.queries import home_figures\n", ["web"]),
        ("import ansinh.reports.figures\n", ["reports"]),
        ("from ansinh import demo\n", ["demo"]),
        ("from .models import Person\n", []),
    ],
)
def test_the_check_sees_imports_in_function_bodies(tmp_path, source, expected):
    module = tmp_path / "m.py"
    module.write_text(source)
    assert [app for _line, app in _imports(module)] == expected
