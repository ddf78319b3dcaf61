"""The documents' tables of figures are exactly what model/metrics.json says, wherever they live
(README.md and docs/*.md), and every relative link in those documents points at something."""

import json
import re
import shutil
from pathlib import Path

import pytest

from model.config import METRICS_PATH
from scripts import readme_tables

ROOT = readme_tables.ROOT


@pytest.fixture(scope="module")
def metrics():
    return json.loads(METRICS_PATH.read_text())


def copy_of_documents(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir(parents=True)
    for path in readme_tables.documents(ROOT):
        shutil.copy(path, tmp_path / path.relative_to(ROOT))
    return tmp_path


def test_every_table_matches_metrics(metrics):
    assert readme_tables.updates(ROOT, metrics) == {}, \
        "a table is out of date: run python -m scripts.readme_tables"
    assert readme_tables.main(["--check"]) == 0


def test_the_documents_include_the_docs_folder():
    names = [p.relative_to(ROOT).as_posix() for p in readme_tables.documents(ROOT)]
    assert names[0] == "README.md" and "docs/answer.md" in names


def test_a_stale_figure_in_any_document_is_caught(metrics, tmp_path):
    """Edit one figure inside a table, in a copy of each document that holds one: --check fails."""
    holders = [p for p in readme_tables.documents(ROOT) if readme_tables.names_in(p.read_text())]
    assert len(holders) >= 2, "the tables are expected in the README and in docs/"
    for path in holders:
        root = copy_of_documents(tmp_path / path.stem)
        copy = root / path.relative_to(ROOT)
        text = copy.read_text()
        start = text.index("<!-- metrics:")
        figure = re.compile(r"\d+\.\d+%").search(text, start)
        copy.write_text(text[:figure.start()] + "12.34%" + text[figure.end():])
        assert readme_tables.main(["--check", "--root", str(root)]) == 1
        assert list(readme_tables.updates(root, metrics)) == [copy]
        assert readme_tables.main(["--root", str(root)]) == 0  # rewriting mends it
        assert copy.read_text() == path.read_text()


def test_a_changed_figure_is_caught(metrics):
    readme = readme_tables.README.read_text()
    changed = json.loads(json.dumps(metrics))
    changed["readout_accuracy_per_step"][-1] = 0.1234
    assert readme_tables.rewritten(readme, changed) != readme


def test_a_table_in_no_document_is_an_error(metrics, tmp_path):
    root = copy_of_documents(tmp_path)
    for path in readme_tables.documents(root):
        path.write_text(re.sub(r"<!-- /?metrics:calibration -->\n", "", path.read_text()))
    with pytest.raises(ValueError, match="calibration"):
        readme_tables.updates(root, metrics)


def test_a_malformed_block_is_an_error(metrics):
    with pytest.raises(ValueError, match="without its"):
        readme_tables.rewritten("<!-- metrics:drawn -->\nno end\n", metrics)
    with pytest.raises(ValueError, match="unknown"):
        readme_tables.rewritten("<!-- metrics:nonesuch -->\n<!-- /metrics:nonesuch -->\n", metrics)
    with pytest.raises(ValueError, match="<!-- metrics:drawn -->"):
        readme_tables.rewritten("no blocks here", metrics, required=["drawn"])


# --- links -------------------------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def prose(text: str) -> str:
    """The document without its fenced code blocks and inline code, where brackets are not links."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    return re.sub(r"`[^`]*`", "", text)  # a code span may run over a line break


def anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#{1,6}\s+(.+)$", prose(path.read_text()), flags=re.MULTILINE)
    return {github_anchor(h) for h in headings}


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in LINK.findall(prose(path.read_text())):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and linked.suffix == ".md" and anchor not in anchors(linked):
            broken.append(f"{target} (no such heading)")
    return broken


@pytest.mark.parametrize("path", readme_tables.documents(ROOT), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(path):
    assert broken_links(path) == []


def test_the_link_checker_sees_a_broken_link(tmp_path):
    (tmp_path / "there.md").write_text("# A heading, here\n")
    doc = tmp_path / "doc.md"
    doc.write_text("[ok](there.md) [ok](there.md#a-heading-here) [web](https://example.org/x)\n"
                   "![gone](pictures/gone.png) [bad anchor](there.md#nowhere) `[code](not/a/link)`\n")
    assert broken_links(doc) == ["pictures/gone.png (no such file)", "there.md#nowhere (no such heading)"]
