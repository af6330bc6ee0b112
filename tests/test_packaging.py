"""The built package is a complete portal: sdist → wheel → a fresh venv that shows Latvian pages."""
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
SOURCE_ENTRIES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "babel.cfg", "wsgi.py",
                  "gunicorn.conf.py", "Makefile", "portal", "templates", "static", "migrations")

pytestmark = pytest.mark.packaging

RENDER_PAGES = """
import json, portal
from portal import create_app
app = create_app()
client = app.test_client()
lv = client.get("/login?lang=lv")
css = client.get("/static/css/portal.css")
print(json.dumps({"package": portal.__file__, "lv_status": lv.status_code, "lv": lv.get_data(as_text=True),
                  "css_status": css.status_code}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built the way a release is: an sdist from a copy of the source without any compiled catalogue,
    then the wheel from that sdist (so MANIFEST.in and the build hook are both needed)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCE_ENTRIES:
        origin = CHECKOUT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.egg-info"))
        else:
            shutil.copy2(origin, source / name)
    assert not list(source.rglob("*.mo"))
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
                   check=True, capture_output=True, text=True)
    [built] = dist.glob("*.whl")
    return built


def test_the_wheel_carries_catalogues_templates_static_files_and_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("portal/translations/lv/LC_MESSAGES/messages.mo", "portal/translations/en/LC_MESSAGES/messages.mo",
                     "portal/templates/base.html", "portal/templates/mail/", "portal/static/css/portal.css",
                     "portal/static/css/agreement-pdf.css", "portal/migrations/env.py",
                     "portal/migrations/versions/0001_foundation.py", "portal/wsgi.py"):
        assert any(name.startswith(expected) for name in names), expected
    assert not any("__pycache__" in name or name.endswith(".po") for name in names)


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed; the dependencies come from this test venv's
    site-packages through a .pth line, which adds the directory but none of its .pth files,
    so the checkout's editable install stays out of sight."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, text=True)
    site_packages = Path(subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True, capture_output=True, text=True).stdout.strip())
    (site_packages / "test-venv-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv


def run_installed(venv: Path, tmp_path: Path, *args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("PORTAL_", "DATABASE_"))}
    environment.update(PORTAL_ENV="development", PORTAL_DATA_DIR=str(tmp_path / "data"), **env)
    # Run from elsewhere than the checkout: nothing may be found through the current directory.
    return subprocess.run(args, cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120)


def test_the_installed_portal_speaks_latvian_from_its_own_files(installed, tmp_path):
    helped = run_installed(installed, tmp_path, str(installed / "bin" / "portal"), "--help")
    assert helped.returncode == 0, helped.stderr
    assert "init" in helped.stdout and "backup" in helped.stdout

    initialised = run_installed(installed, tmp_path, str(installed / "bin" / "portal"), "init")
    assert initialised.returncode == 0, initialised.stderr
    assert "Database ready" in initialised.stdout

    rendered = run_installed(installed, tmp_path, str(installed / "bin" / "python"), "-c", RENDER_PAGES)
    assert rendered.returncode == 0, rendered.stderr
    result = json.loads(rendered.stdout.strip().splitlines()[-1])
    assert Path(result["package"]).is_relative_to(installed), result["package"]
    assert result["lv_status"] == 200
    assert "Pieslēgties" in result["lv"]  # the catalogue's "Log in"
    assert ">Log in<" not in result["lv"]
    assert result["css_status"] == 200
