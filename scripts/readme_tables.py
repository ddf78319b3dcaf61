"""Write the documents' tables of measured figures from model/metrics.json: python -m scripts.readme_tables

Each table sits between `<!-- metrics:NAME -->` and `<!-- /metrics:NAME -->` in README.md or any
docs/*.md (a table may appear in more than one of them) and is rewritten whole, so no figure in the
documents is typed by hand; `--check` exits non-zero when a document differs from what metrics.json
says (tests/test_readme_tables.py runs it). Every table must appear in at least one document.
"""

import argparse
import json
import re
import sys
from pathlib import Path

from model.config import METRICS_PATH
from page import explain

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
STEPS_SHOWN = (7, 14, 18, 21, 24, 28)


def pct(value, digits=1) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f}%"


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def per_step_table(metrics: dict) -> str:
    steps = [t for t in STEPS_SHOWN if t <= len(metrics["readout_accuracy_per_step"])]

    def row(name, values, digits=1):
        return [name] + [pct(values[t - 1], digits if t < steps[-1] else 2) for t in steps]

    rows = [row("trained readout applied to h_t", metrics["readout_accuracy_per_step"]),
            row("logistic regression fitted afresh to h_t (a probe)", metrics["probe_accuracy_per_step"]["h"]),
            row("... fitted afresh to c_t", metrics["probe_accuracy_per_step"]["c"])]
    every_step = metrics.get("every_step_model", {}).get("readout_accuracy_per_step")
    if every_step:
        rows.append(row("readout of a second model trained with its loss at every step", every_step))
    return table(["step t (rows read)"] + [str(t) for t in steps], rows)


def alternatives_table(metrics: dict) -> str:
    return table(["readout input at the last step", "MNIST test accuracy", "note"],
                 [[row["name"], pct(row["accuracy"], 2), row["note"]] for row in metrics["readout_alternatives"]])


def drawn_table(metrics: dict) -> str:
    drawn = metrics["drawn_digits"]
    groups = [("held-out styles, brushes 8-40 px", drawn["held_out_styles"]),
              ("held-out styles, the page's 22 px brush", drawn["held_out_styles_default_brush"]),
              ("styles seen in training (new drawings)", drawn["seen_styles"])]
    header = ["drawings", "all"] + [str(d) for d in range(10)]
    rows = [[f"{name} ({group['count']:,})", pct(group["accuracy"])] + [pct(a) for a in group["per_class_accuracy"]]
            for name, group in groups]
    return table(header, rows)


def drawn_breakdown_table(metrics: dict) -> str:
    held_out = metrics["drawn_digits"]["held_out_styles"]
    rows = [[f"brush {r['range'][0]}-{r['range'][1]} px", f"{r['count']:,}", pct(r["accuracy"])]
            for r in held_out["per_brush_accuracy"]]
    for r in held_out["per_size_accuracy"]:
        low, high = r["range"]
        sizes = f"under {high}" if low == 0 else f"{low}-{high}"
        rows.append([f"digit {sizes} px tall or wide", f"{r['count']:,}", pct(r["accuracy"])])
    return table(["held-out styles, by", "drawings", "accuracy"], rows)


def calibration_table(metrics: dict) -> str:
    calibration = metrics["calibration"]
    drawn = metrics["drawn_digits"]
    rows = []
    for name, group in (("MNIST test", calibration["mnist_test"]), ("drawn, held-out styles", drawn["held_out_styles"]),
                        ("drawn, seen styles", drawn["seen_styles"])):
        rows.append([name, pct(group["ece_without_temperature"], 2), pct(group["ece"], 2),
                     pct(group["confident_misread_share_without_temperature"], 0),
                     pct(group["confident_misread_share"], 0)])
    return table(["set", "calibration error, raw", f"... with temperature {calibration['temperature']:.2f}",
                  "misreads shown at >= 90%, raw", "... with temperature"], rows)


def not_sure_table(metrics: dict) -> str:
    """How the page's "not sure" rule treats each set, with its energy test and without it."""
    drawn = metrics["drawn_digits"]
    sets = [("MNIST test", metrics["confidence"]["mnist_test"]),
            ("drawn, held-out styles", drawn["held_out_styles"]["unsure"]),
            ("drawn, held-out styles, 22 px brush", drawn["held_out_styles_default_brush"]["unsure"]),
            ("drawn, seen styles", drawn["seen_styles"]["unsure"])]

    def both(with_energy, without, digits):
        return "n/a" if with_energy is None else f"{pct(with_energy, digits)} ({pct(without, digits)})"

    rows = [[name, both(s["misreads_not_sure"], s["misreads_not_sure_without_energy"], 0),
             both(s["correct_not_sure"], s["correct_not_sure_without_energy"], 1)] for name, s in sets]
    shapes = drawn["not_digits"]
    rows.append([f"no digit at all ({shapes['count']:,} drawings of {len(shapes['per_shape_not_sure'])} shapes)",
                 both(shapes["not_sure"], shapes["not_sure_without_energy"], 0), "n/a"])
    return table(["set", "misreads said \"not sure\" (without the energy test)",
                  "right answers said \"not sure\" (without)"], rows)


def real_writers_table(metrics: dict) -> str:
    """The handwriting headline: MNIST test, the real-writer validation (people training never
    saw) and the scripted held-out styles, which stay a diagnostic."""
    confusion = metrics["confusion_matrix"]
    mnist_per_digit = [row[d] / sum(row) for d, row in enumerate(confusion)]
    held_out = metrics["drawn_digits"]["held_out_styles"]
    real = metrics.get("real_writers")

    def worst(per_digit):
        digit = min(range(len(per_digit)), key=lambda d: per_digit[d])
        return f"{digit} ({pct(per_digit[digit])})"

    rows = [[f"MNIST test ({metrics['data']['test_images']:,} images)", pct(metrics["test_accuracy"], 2),
             worst(mnist_per_digit), pct(metrics["calibration"]["mnist_test"]["ece"], 2)]]
    if real:
        low, high = real["brush_range"]
        rows.append([f"real writers, validation ({len(real['writers'])} held-out pendigits writers, "
                     f"{real['count']:,} drawings, brushes {low:g}-{high:g} px)", pct(real["accuracy"], 2),
                     worst(real["per_class_accuracy"]), pct(real["ece"], 2)])
    else:
        rows.append(["real writers, validation", "not measured (no pendigits file)", "n/a", "n/a"])
    rows.append([f"scripted held-out styles, diagnostic ({held_out['count']:,} drawings)", pct(held_out["accuracy"], 2),
                 worst(held_out["per_class_accuracy"]), pct(held_out["ece"], 2)])
    return table(["set", "accuracy", "worst digit", "calibration error"], rows)


def plain(markdown: str) -> str:
    """The page's words without its inline maths: $h_{14}$ -> h_14, $c_t$ -> c_t."""
    return re.sub(r"\$([a-z])_\{?(\w+)\}?\$", r"\1_\2", markdown)


def why_words(metrics: dict) -> str:
    """The page's own answer to "isn't the final output better?", as the README's bullets."""
    bullets = [explain.final_output_words(metrics), explain.every_step_words(metrics),
               explain.mlp_head_verdict(metrics)]
    return plain("\n".join(b if b.startswith("- ") else f"- {b}" for b in bullets if b))


TABLES = {"why-words": why_words, "per-step": per_step_table, "alternatives": alternatives_table, "drawn": drawn_table,
          "drawn-breakdown": drawn_breakdown_table, "calibration": calibration_table,
          "not-sure": not_sure_table, "real_writers": real_writers_table}


MARKER = re.compile(r"<!-- (/?)metrics:([\w-]+) -->")


def block(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- metrics:{name} -->\n)(?:.*?\n)?(<!-- /metrics:{name} -->)", re.DOTALL)


def names_in(text: str) -> set[str]:
    """The tables a document holds; an unknown name, or a marker without its partner, is an error."""
    opened = {m.group(2) for m in MARKER.finditer(text) if not m.group(1)}
    closed = {m.group(2) for m in MARKER.finditer(text) if m.group(1)}
    unknown = (opened | closed) - set(TABLES)
    if unknown:
        raise ValueError(f"unknown table(s) {sorted(unknown)}: the known ones are {sorted(TABLES)}")
    unmatched = {name for name in opened | closed if not block(name).search(text)}
    if unmatched:
        raise ValueError("<!-- metrics:NAME --> without its <!-- /metrics:NAME --> (or the reverse): "
                         f"{sorted(unmatched)}")
    return opened


def rewritten(text: str, metrics: dict, required=()) -> str:
    """The document with each of its tables rewritten from metrics; `required` names tables it must hold."""
    present = names_in(text)
    for name in required:
        if name not in present:
            raise ValueError(f"no <!-- metrics:{name} --> ... <!-- /metrics:{name} --> block")
    for name in present:
        made = TABLES[name](metrics)
        text = block(name).sub(lambda m: m.group(1) + made + "\n" + m.group(2), text)
    return text


def documents(root: Path = ROOT) -> list[Path]:
    """README.md and every docs/*.md: where the tables may live."""
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def updates(root: Path, metrics: dict) -> dict[Path, str]:
    """Every document whose tables differ from metrics, with its rewritten text; a ValueError names the
    first problem (a malformed block, or a table that appears in no document)."""
    changed, seen = {}, set()
    for path in documents(root):
        current = path.read_text()
        try:
            updated = rewritten(current, metrics)
        except ValueError as error:
            raise ValueError(f"{path.relative_to(root)}: {error}") from None
        seen |= names_in(current)
        if updated != current:
            changed[path] = updated
    missing = sorted(set(TABLES) - seen)
    if missing:
        raise ValueError(f"no document holds <!-- metrics:NAME --> ... <!-- /metrics:NAME --> for {missing}")
    return changed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only check; exit 1 if a document is out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help="the repository to read (default: this one)")
    args = parser.parse_args(argv)
    metrics = json.loads(METRICS_PATH.read_text())
    changed = updates(args.root, metrics)
    if args.check:
        for path in changed:
            print(f"{path.relative_to(args.root)}'s tables differ from model/metrics.json: "
                  "run python -m scripts.readme_tables")
        return 1 if changed else 0
    for path, text in changed.items():
        path.write_text(text)
        print(f"rewrote {path.relative_to(args.root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
