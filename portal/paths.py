"""Where the portal's templates, static files, migrations and catalogues are.

Installed from its wheel, they are inside the package (the build copies them there, see setup.py);
in a checkout (and its editable install) they are read in place, beside the package."""
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PACKAGE_DIR.parent / name


TEMPLATES = _shipped("templates")
STATIC = _shipped("static")
MIGRATIONS = _shipped("migrations")
TRANSLATIONS = PACKAGE_DIR / "translations"
ROOT = PACKAGE_DIR.parent  # the checkout (or site-packages, installed)
