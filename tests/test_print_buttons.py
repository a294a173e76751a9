"""One name per button: the ribbon's labels are the names the guide, messages and README use."""

from __future__ import annotations

import re
from pathlib import Path

from selfeval import guide
from selfeval.vocabulary import BUTTONS

ROOT = Path(__file__).resolve().parents[1]
OLD_NAMES = ("校验当前表", "新增项目表", "全部校验(?!规则)", "校验规则说明")  # 全部校验规则: "all rules"


def test_the_ribbon_labels_are_the_buttons_of_layout() -> None:
    ribbon = (ROOT / "macros" / "customUI14.xml").read_text(encoding="utf-8")
    labels = re.findall(r'<button [^>]*label="([^"]+)"', ribbon)
    assert [label for label in labels if label != "关于"] == list(BUTTONS)


def test_no_other_name_for_a_button_anywhere() -> None:
    texts = {
        path: path.read_text(encoding="utf-8")
        for path in [*ROOT.glob("src/selfeval/**/*.py"), ROOT / "README.md", *ROOT.glob("macros/*")]
    }
    texts[Path("guide")] = "\n".join(guide.HOW_TO_FILL)
    found = {(str(path), old) for path, text in texts.items() for old in OLD_NAMES if re.search(old, text)}
    assert not found
