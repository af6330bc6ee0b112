"""The shape of the code: importing a domain's models or services loads no web layer, and services never
reach for the request. (The import contracts in pyproject.toml run as `lint-imports` in `make test`.)"""
import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"
RULE_MODULES = sorted(
    ".".join(path.relative_to(PORTAL.parent).with_suffix("").parts)
    for pattern in ("*/models.py", "*/services.py", "signing/*.py")
    for path in PORTAL.glob(pattern) if path.name != "__init__.py"
)
WEB_GLOBALS = {"request", "g", "session"}


def test_importing_the_rule_modules_loads_no_views():
    """Every models, services and signing module imported into one fresh interpreter: no views module, no
    web layer. (If one of them loaded a view, the view would be in sys.modules at the end.)"""
    code = ("import importlib, json, sys\n"
            f"for name in {RULE_MODULES!r}:\n"
            "    importlib.import_module(name)\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.endswith('.views') or m in ('portal.web', "
            "'portal.transaction'))))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                                       text=True).stdout)
    assert len(RULE_MODULES) >= 25 and loaded == []


def test_the_signing_library_loads_neither_flask_nor_the_database():
    code = "import portal.signing.verify, portal.signing.pdfsign, portal.signing.external, sys; " \
           "print(sorted(m for m in ('flask', 'sqlalchemy', 'portal.extensions') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                          text=True).stdout.strip() == "[]"


def _imported_names(path: Path) -> set[tuple[str, str]]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            names |= {(node.module, alias.name) for alias in node.names}
    return names


@pytest.mark.parametrize("path", sorted(PORTAL.glob("*/services.py")) + [PORTAL / "agreements/drafting.py",
                                                                         PORTAL / "agreements/signatures.py"],
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_services_never_read_the_request(path):
    """Who acts and from where reach the rules as arguments (and `portal.origin`), never as request globals."""
    reached = {name for module, name in _imported_names(path) if module == "flask" and name in WEB_GLOBALS}
    assert reached == set()
