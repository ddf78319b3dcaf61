"""The folders are the architecture: imports run one way, page -> model and room -> model.

Read from the source with `ast`, so a test fails the day someone adds an import the wrong way,
even one inside a function."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_packages(path: Path) -> set[str]:
    """The top-level names of everything a file imports, wherever in the file the import is."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def sources(folder: str) -> list[Path]:
    return sorted((ROOT / folder).glob("*.py"))


@pytest.mark.parametrize("path", sources("model"), ids=lambda p: p.name)
def test_the_model_knows_nothing_of_streamlit_the_page_or_the_rooms(path):
    assert not imported_packages(path) & {"streamlit", "streamlit_drawable_canvas", "page", "room", "app"}


@pytest.mark.parametrize("name", ["store.py", "records.py", "wall.py"])
def test_the_room_s_store_records_and_wall_never_import_the_page(name):
    assert not imported_packages(ROOT / "room" / name) & {"page", "app", "streamlit"}


def test_the_words_package_imports_nothing_of_the_project_or_streamlit():
    """i18n/ (the reader's language and the catalogues' lookups) is shared by the page and the
    rooms, so it must lean on neither, nor on the model."""
    assert not imported_packages(ROOT / "i18n" / "__init__.py") & {"page", "room", "model", "app", "streamlit"}


@pytest.mark.parametrize("path", sources("page"), ids=lambda p: p.name)
def test_the_page_never_reaches_into_the_room_s_store(path):
    assert "room" not in imported_packages(path), "the page and the rooms meet only in app.py"


def test_the_root_holds_the_entry_point_and_folders():
    assert sorted(p.name for p in ROOT.glob("*.py")) == ["app.py"]
    for folder in ("model", "page", "room", "i18n", "scripts", "tests", "assets", "docs"):
        assert (ROOT / folder).is_dir(), folder


def test_the_checker_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from page import views\n    import streamlit as st\n")
    assert imported_packages(module) == {"page", "streamlit"}
