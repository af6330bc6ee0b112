"""The build hook; everything else about the package is in pyproject.toml.

A wheel must be a complete portal: it carries the compiled catalogues (*.mo, which are not kept in git)
and the templates, static files and migrations, which a checkout keeps beside the package."""
import shutil
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

SHIPPED_DIRS = ("templates", "static", "migrations")
TRANSLATIONS = Path("portal") / "translations"


def compile_catalogues(source: Path, target: Path) -> list[Path]:
    """Every <lang>/LC_MESSAGES/messages.po compiled to a .mo under target; refuses a catalogue with errors
    (a translation whose placeholders differ from its msgid would fail when the page is rendered)."""
    written = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        errors = [f"{po_path}: {message.id!r}: {error}"
                  for message, message_errors in catalog.check() for error in message_errors]
        if errors:
            raise SystemExit("translation errors:\n" + "\n".join(errors))
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    if not written:
        raise SystemExit(f"no catalogues under {source}")
    return written


class BuildWithAssets(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # a checkout reads them in place; `make setup` compiles its catalogues
            return
        package_dir = Path(self.build_lib) / "portal"
        for name in SHIPPED_DIRS:
            target = package_dir / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        compile_catalogues(TRANSLATIONS, package_dir / "translations")


setup(cmdclass={"build_py": BuildWithAssets})
