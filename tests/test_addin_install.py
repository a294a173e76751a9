"""`selfeval addin install | remove | status` against a temporary APPDATA / profile folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from selfeval.addin import ADDIN_FILENAME, addin_bytes, addin_status, install_addin, remove_addin
from selfeval.addin.install import (
    CONFIG_ENCODING,
    SERVER_KEY,
    effective_config,
    install_paths,
    read_config,
    server_available,
)
from selfeval.errors import AddinError


@pytest.fixture
def folders(tmp_path):
    appdata, home = tmp_path / "AppData" / "Roaming", tmp_path / "profile"
    appdata.mkdir(parents=True)
    home.mkdir()
    return appdata, home


def xlstart(appdata: Path) -> Path:
    return appdata / "Microsoft" / "Excel" / "XLSTART" / ADDIN_FILENAME


def config(home: Path) -> Path:
    return home / ".selfeval" / "selfeval.conf"


def test_install_copies_a_current_build_into_xlstart(folders):
    appdata, home = folders
    message = install_addin(appdata, home=home)
    assert xlstart(appdata).read_bytes() == addin_bytes()
    assert str(xlstart(appdata)) in message and "重新启动 Excel" in message


def test_install_records_this_interpreter_the_way_the_vba_reads_it(folders):
    appdata, home = folders
    install_addin(appdata, home=home)
    raw = config(home).read_bytes()
    # xlwings' GetConfigFromFile reads `"KEY","value"` lines with VBA's Input #.
    assert f'"INTERPRETER_WIN","{sys.executable}"\r\n' in raw.decode(CONFIG_ENCODING)
    assert dict(read_config(config(home)))["INTERPRETER_WIN"] == sys.executable


def test_install_keeps_other_settings_and_replaces_an_old_interpreter(folders):
    appdata, home = folders
    config(home).parent.mkdir()
    config(home).write_bytes('"SHOW CONSOLE","True"\r\n"INTERPRETER_WIN","D:\\旧的\\python.exe"\r\n'.encode("gbk"))
    install_addin(appdata, home=home)
    entries = read_config(config(home))
    assert entries[0] == ("SHOW CONSOLE", "True")
    assert [v for k, v in entries if k == "INTERPRETER_WIN"] == [sys.executable]


def test_status_reports_installed_current_and_interpreter(folders):
    appdata, home = folders
    assert "没有安装" in addin_status(appdata, home=home)
    install_addin(appdata, home=home)
    status = addin_status(appdata, home=home)
    assert "已安装" in status and "当前版本" in status and sys.executable in status
    xlstart(appdata).write_bytes(b"an older add-in")
    assert "不一致" in addin_status(appdata, home=home)


def test_remove_deletes_the_addin_and_only_our_settings(folders):
    appdata, home = folders
    install_addin(appdata, home=home)
    message = remove_addin(appdata, home=home)
    assert not xlstart(appdata).exists()
    assert "已卸载" in message
    assert not config(home).exists()  # only our keys were in it
    assert "没有安装" in remove_addin(appdata, home=home)


def test_remove_keeps_a_config_with_other_settings(folders):
    appdata, home = folders
    install_addin(appdata, home=home)
    with config(home).open("ab") as handle:
        handle.write(b'"SHOW CONSOLE","True"\r\n')
    remove_addin(appdata, home=home)
    assert read_config(config(home)) == [("SHOW CONSOLE", "True")]


@pytest.mark.skipif(sys.platform == "win32", reason="checks the message on systems without Excel for Windows")
@pytest.mark.parametrize("action", [install_addin, remove_addin])
def test_without_appdata_other_systems_get_a_chinese_message(action):
    with pytest.raises(AddinError, match="只适用于 Windows"):
        action()


@pytest.mark.skipif(sys.platform == "win32", reason="checks the message on systems without Excel for Windows")
def test_status_without_excel_exits_0_and_explains_itself(capsys):
    from selfeval.cli import main

    assert main(["addin", "status"]) == 0
    out = capsys.readouterr().out
    assert "不是 Windows" in out and "install.cmd" in out
    assert "xlwings（xlwings）：可以加载" in out and "pywintypes（pywin32）：无法加载" in out


def test_install_keeps_python_alive_only_where_the_com_server_dll_is(folders):
    appdata, home = folders
    install_addin(appdata, home=home)
    assert dict(read_config(config(home)))[SERVER_KEY] == "False"  # no xlwings DLL on Linux


def test_the_com_server_dll_is_looked_for_where_xlwings_vba_looks(tmp_path):
    import xlwings

    venv_root = tmp_path / "venv"
    (venv_root / "Scripts").mkdir(parents=True)
    python = venv_root / "Scripts" / "python.exe"
    python.write_bytes(b"")
    assert not server_available(str(python))
    (venv_root / f"xlwings64-{xlwings.__version__}.dll").write_bytes(b"")  # where pip puts it in a venv
    assert server_available(str(python))


def test_status_runs_the_pre_check_on_the_configured_python(folders):
    appdata, home = folders
    install_addin(appdata, home=home)
    status = addin_status(appdata, home=home)
    if sys.platform != "win32":
        assert "预检未通过" in status and "pywin32" in status and "第 2 步" in status


def test_the_users_config_wins_over_the_machine_wide_one(folders, monkeypatch, tmp_path):
    appdata, home = folders
    monkeypatch.setenv("PROGRAMDATA", str(tmp_path / "ProgramData"))
    paths = install_paths(appdata, home)
    paths.machine_config.parent.mkdir(parents=True)
    paths.machine_config.write_bytes(b'"INTERPRETER_WIN","C:\\IT\\python.exe"\r\n"PYTHONPATH","D:\\share"\r\n')
    assert effective_config(paths)["INTERPRETER_WIN"] == "C:\\IT\\python.exe"
    install_addin(appdata, home=home)
    merged = effective_config(paths)
    assert merged["INTERPRETER_WIN"] == sys.executable and merged["PYTHONPATH"] == "D:\\share"


def test_a_locked_target_gives_a_chinese_error(folders):
    appdata, home = folders
    xlstart(appdata).parent.parent.mkdir(parents=True)
    xlstart(appdata).parent.write_text("a file where the XLSTART folder should be")
    with pytest.raises(AddinError, match="关闭所有 Excel"):
        install_addin(appdata, home=home)
