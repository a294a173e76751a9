"""The ribbon add-in: build the .xlam from `macros/`, install it into Excel's XLSTART.

Stdlib only (plus xlwings' VBA sources read from the installed package).
"""

from ..errors import AddinError
from .build import ADDIN_FILENAME, addin_bytes, build_addin
from .install import addin_status, install_addin, remove_addin

__all__ = [
    "ADDIN_FILENAME",
    "AddinError",
    "addin_bytes",
    "addin_status",
    "build_addin",
    "install_addin",
    "remove_addin",
]
