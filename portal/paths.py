"""Where the portal's own files are: templates, static files, migrations, translations."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
