"""The ribbon XML, the VBA callbacks and the Python functions agree on every button."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from lxml import etree

import selfeval

ROOT = Path(__file__).resolve().parents[1]
MACROS = ROOT / "macros"
XSD = Path(__file__).parent / "fixtures" / "addin_customui14_subset.xsd"
NS = {"c": "http://schemas.microsoft.com/office/2009/07/customui"}

# The issue's contract: tab 绩效自评 with these groups and buttons, in this order.
EXPECTED_LAYOUT = {
    "校验": ["校验本表", "校验全部", "清除标记"],
    "项目": ["新建项目表"],
    "汇总": ["生成汇总"],
    "帮助": ["填表说明", "关于"],
}


def ribbon() -> etree._ElementTree:
    return etree.parse(str(MACROS / "customUI14.xml"))


def vba_modules() -> dict[str, str]:
    modules = {}
    for path in MACROS.glob("*.bas"):
        text = path.read_text(encoding="utf-8")
        name = re.match(r'Attribute VB_Name = "(\w+)"', text).group(1)
        modules[name] = text
    return modules


def sub_body(source: str, name: str) -> str:
    match = re.search(rf"^(?:Public\s+)?Sub\s+{name}\s*\((.*?)\)\s*$(.*?)^End Sub", source, re.M | re.S | re.I)
    assert match, f"Sub {name} not found"
    return match.group(1), match.group(2)


def test_ribbon_is_valid_against_the_customui_subset_schema():
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    document = ribbon()
    assert document.getroot().tag == "{{{}}}customUI".format(NS["c"])
    assert schema.validate(document), schema.error_log


def test_ribbon_has_the_tab_groups_and_buttons_of_the_issue():
    tabs = ribbon().findall(".//c:tab", NS)
    assert [t.get("label") for t in tabs] == ["绩效自评"]
    layout = {
        g.get("label"): [b.get("label") for b in g.findall("c:button", NS)] for g in tabs[0].findall("c:group", NS)
    }
    assert layout == EXPECTED_LAYOUT
    for button in tabs[0].iter("{{{}}}button".format(NS["c"])):
        assert button.get("screentip") and button.get("supertip") and button.get("keytip")
        assert button.get("imageMso"), button.get("id")
    # keytips are unique within the tab, or Excel renames them
    keytips = [b.get("keytip") for b in tabs[0].iter("{{{}}}button".format(NS["c"]))]
    assert len(keytips) == len(set(keytips))


def test_every_onaction_names_a_ribbon_callback_sub():
    modules = vba_modules()
    actions = [b.get("onAction") for b in ribbon().iter("{{{}}}button".format(NS["c"]))]
    assert actions
    for action in actions:
        module, _, sub = action.rpartition(".")
        assert module in modules, f"{action}: no module {module} in macros/"
        params, _ = sub_body(modules[module], sub)
        assert re.fullmatch(r"\s*control\s+As\s+IRibbonControl\s*", params, re.I), action


def test_every_runpython_string_resolves_to_a_function_in_selfeval_excel():
    source = vba_modules()["Ribbon"]
    commands = re.findall(r'"(import selfeval\.excel as x; x\.(\w+)\(\))"', source)
    assert len(commands) == 6
    try:
        excel = importlib.import_module("selfeval.excel")
    except ModuleNotFoundError as exc:
        raise AssertionError(
            f"selfeval.excel does not exist yet: the ribbon calls {[name for _, name in commands]} in it"
        ) from exc
    for command, name in commands:
        assert callable(getattr(excel, name, None)), f"{command}: selfeval.excel.{name} missing"
        compile(command, "<RunPython>", "exec")


def test_each_python_button_runs_its_own_function():
    source = vba_modules()["Ribbon"]
    called = {}
    for button in ribbon().iter("{{{}}}button".format(NS["c"])):
        _, body = sub_body(source, button.get("onAction").rpartition(".")[2])
        called[button.get("label")] = re.findall(r"x\.(\w+)\(\)", body)
    assert called == {
        "校验本表": ["validate_active"],
        "校验全部": ["validate_all"],
        "清除标记": ["clear_marks"],
        "新建项目表": ["new_project"],
        "生成汇总": ["build_summary"],
        "填表说明": ["show_rules"],
        "关于": [],
    }


def test_about_box_shows_the_package_version():
    source = vba_modules()["Ribbon"]
    declared = re.search(r'ADDIN_VERSION As String = "([^"]+)"', source).group(1)
    assert declared == selfeval.__version__
