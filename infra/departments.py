"""Department settings shipped as data: `infra/departments/<code>.json`.

Each file holds the date its settings take effect and a `DepartmentSettings`
document; adopting it is still a command (an event), so the file is a proposal,
not the rules in force.
"""

from __future__ import annotations

import json
import re
from datetime import date
from importlib import resources

from domain.department import DepartmentNotConfiguredError
from domain.department_settings import DepartmentSettings
from domain.places import DEPARTMENT_CODE_PATTERN


def load_department_settings(code: str) -> tuple[date, DepartmentSettings]:
    """The packaged settings of a department: (effective_from, settings)."""
    if not re.fullmatch(DEPARTMENT_CODE_PATTERN, code):
        msg = f"Code de département invalide : « {code} »."
        raise DepartmentNotConfiguredError(msg)
    resource = resources.files("infra").joinpath("departments", f"{code}.json")
    if not resource.is_file():
        msg = f"Aucun fichier de paramètres pour le département {code} ({code}.json)."
        raise DepartmentNotConfiguredError(msg)
    data = json.loads(resource.read_text(encoding="utf-8"))
    if data.get("code") != code:
        msg = f"Le fichier {code}.json décrit le département « {data.get('code')} »."
        raise DepartmentNotConfiguredError(msg)
    effective_from = date.fromisoformat(data["effective_from"])
    return effective_from, DepartmentSettings.model_validate(data["settings"])
