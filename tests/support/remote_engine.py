"""Enable xlwings' remote engine for one test (it is registered only when xlwings is first
imported with a licence key; PolyForm Noncommercial, a government body's use is permitted)."""

from __future__ import annotations

import importlib

import pytest
import xlwings as xw


def enable_remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    if "remote" not in xw.engines.engines_by_name:
        remote = importlib.import_module("xlwings.pro._xlremote")
        engine = xw.main.Engine(impl=remote.engine)
        monkeypatch.setattr(xw.engines, "engines", [*xw.engines.engines, engine])
        monkeypatch.setattr(xw.engines, "engines_by_name", {**xw.engines.engines_by_name, "remote": engine})
