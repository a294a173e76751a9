"""Record which corpus forms a previous selfeval reads: `tests/corpus/baseline.json`.

Runs another checkout's `selfeval validate --format json` (read-only, no bytecode written)
on every corpus form not yet in the baseline and records whether it read the form
("read": projects returned, no X03), returned X03, or raised. `tests/test_corpus.py`
fails when a form the baseline lists as read now raises or returns X03.

    uv run python benchmarks/corpus_baseline.py --selfeval /work/main/.venv/bin/selfeval --commit bdf5f2d
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus"
BASELINE = CORPUS / "baseline.json"
FORM_NAMES = ("form.docx", "form.xlsx", "form.txt")


def form_path(folder: Path) -> Path | None:
    """The transcribed form of a corpus folder, or None."""
    for name in FORM_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def old_outcome(selfeval: str, path: Path) -> dict[str, object]:
    """What the old CLI makes of one form: read, x03 or raised, with the project count."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(
        [selfeval, "validate", "--format", "json", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"outcome": "raised", "detail": done.stderr.strip().splitlines()[-1:]}
    files = report["files"]
    codes = [f["code"] for f in files[0]["findings"]] + [
        f["code"] for project in files[0]["projects"] for f in project["findings"]
    ]
    projects = len(files[0]["projects"])
    outcome = "x03" if "X03" in codes or not projects else "read"
    return {"outcome": outcome, "projects": projects}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--selfeval", required=True, help="the old checkout's selfeval executable")
    parser.add_argument("--commit", required=True, help="the old checkout's commit, recorded")
    args = parser.parse_args()
    baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    baseline["commit"] = args.commit
    forms = baseline.setdefault("forms", {})
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        path = form_path(folder)
        if path is None or folder.name in forms:
            continue
        forms[folder.name] = old_outcome(args.selfeval, path)
        print(folder.name, forms[folder.name])
    BASELINE.write_text(json.dumps(baseline, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
