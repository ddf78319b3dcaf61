"""Shared fixtures. Data and browser tests skip with a reason on a user's machine that lacks
MNIST or Chromium, and fail loudly in CI (CI=true), where both must be present."""

import os
import shutil
from pathlib import Path

import pytest

from model.config import MODEL_PATH

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def skip_or_fail(reason: str):
    """Skip on a user's machine; in CI a missing prerequisite is an error, never a skip."""
    if IN_CI:
        pytest.fail(f"CI=true but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def mnist():
    from model.data import load_mnist

    folder = os.environ.get("MNIST_DIR")
    if not folder or not Path(folder).is_dir():
        skip_or_fail("MNIST_DIR does not name a folder with the MNIST IDX files")
    return load_mnist(folder)


# A tiny UNIPEN-style file in the pendigits layout (y up): writer 1 draws a 7 in one stroke and a 4
# in two; writer 2 a 1 and a 7; writer 3 a 0. The data tests fall back on it off CI when the real
# file is not there.
SYNTHETIC_UNIPEN = """.INCLUDE        dene.doc
.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"
.HIERARCHY      DIGIT

.SEGMENT DIGIT    0 ? "7"
.COMMENT 7 1  1
.PEN_DOWN
   0  100
  50  100
 100  100
  65   50
  30    0
.PEN_UP
.DT 100

.SEGMENT DIGIT    1 ? "4"
.COMMENT 4 1  2
.PEN_DOWN
  20  100
   0   40
 100   40
.PEN_UP
.PEN_DOWN
  70   80
  70    0
.PEN_UP

.SEGMENT DIGIT    2 ? "1"
.COMMENT 1 2  1
.PEN_DOWN
  50  100
  50    0
.PEN_UP

.SEGMENT DIGIT    3 ? "7"
.COMMENT 7 2  2
.PEN_DOWN
  10   90
  90   95
  40    5
.PEN_UP

.SEGMENT DIGIT    4 ? "0"
.COMMENT 0 3  1
.PEN_DOWN
  50  100
   0   50
  50    0
 100   50
  50  100
.PEN_UP
"""


@pytest.fixture(scope="session")
def synthetic_unipen() -> str:
    return SYNTHETIC_UNIPEN


@pytest.fixture(scope="session")
def pen_digits():
    """The real pendigits file's digits when PENDIGITS_DIR or ../shared/pendigits has it (CI must:
    a missing file fails there), else the synthetic file's."""
    from model.pendigits import FILE_NAME, parse_unipen, pendigits_dir, read_pendigits

    folder = pendigits_dir()
    if folder is not None:
        return read_pendigits(folder / FILE_NAME)
    if IN_CI:
        pytest.fail("CI=true but neither PENDIGITS_DIR nor ../shared/pendigits holds the pendigits file",
                    pytrace=False)
    return parse_unipen(SYNTHETIC_UNIPEN, "synthetic")


@pytest.fixture(scope="session")
def keras_model():
    from model.network import load_model

    return load_model(MODEL_PATH)


@pytest.fixture(scope="session")
def weights(keras_model):
    from model.trace import LstmWeights

    return LstmWeights.from_keras(keras_model)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    skip_or_fail("Chromium is not installed (apt-get install chromium)")


def _postgres_bin() -> Path | None:
    """Debian's PostgreSQL server programs (apt-get install postgresql), newest version first."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found else None


@pytest.fixture(scope="session")
def postgres_server():
    """A throwaway PostgreSQL cluster on a free loopback port, as the postgres user when run as root;
    yields its SQLAlchemy URL (without a database name) and stops it afterwards.
    TEST_POSTGRES_URL (e.g. postgresql+psycopg://user@host:5432) uses a running server instead."""
    import socket
    import subprocess
    import tempfile

    if os.environ.get("TEST_POSTGRES_URL"):
        yield os.environ["TEST_POSTGRES_URL"].rstrip("/")
        return
    binaries = _postgres_bin()
    if binaries is None:
        skip_or_fail("PostgreSQL is not installed (apt-get install postgresql)")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="rooms-postgres-"))
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data, log = folder / "data", folder / "server.log"
    subprocess.run([*as_postgres, binaries / "initdb", "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
                   check=True, capture_output=True)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100"
    started = subprocess.run([*as_postgres, binaries / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail(f"PostgreSQL did not start: {started.stderr}{log.read_text() if log.exists() else ''}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_postgres, binaries / "pg_ctl", "-D", data, "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the throwaway server for one test; dropped afterwards."""
    import uuid

    import sqlalchemy as sa

    name = f"test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(f"{postgres_server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')  # a generated identifier, not input
    try:
        yield f"{postgres_server}/{name}"
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="module")
def server():
    """The app on a free loopback port, one per test module; MNIST_DIR is passed on when set."""
    from scripts import browser as app_browser

    env = {"MNIST_DIR": os.environ["MNIST_DIR"]} if os.environ.get("MNIST_DIR") else {}
    with app_browser.AppServer(env=env) as running:
        yield running


@pytest.fixture(scope="module")
def chromium(chromium_path):
    """Debian's Chromium under Playwright, one per test module (contexts are cheap, browsers not)."""
    from playwright.sync_api import sync_playwright

    from scripts import browser as app_browser

    with sync_playwright() as p:
        launched = app_browser.launch_chromium(p, chromium_path)
        yield launched
        launched.close()


@pytest.fixture
def context_for(chromium):
    """new_context(**options) for a test, each context closed after it."""
    opened = []

    def new_context(**options):
        opened.append(chromium.new_context(**options))
        return opened[-1]
    yield new_context
    for context in opened:
        context.close()


# Two tiers: `pytest -m "not slow"` answers in about two minutes; `pytest` runs everything (CI).
# A test is slow when it drives Chromium, starts the app as a server of its own, or trains a model.
# (The room store's PostgreSQL cases stay quick: the cluster starts once, in a few seconds.)
SLOW_FIXTURES = {"chromium_path"}
SLOW_MODULES = {"test_train.py", "test_serving.py"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if SLOW_FIXTURES & set(item.fixturenames) or item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)
