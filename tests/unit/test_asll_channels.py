"""Issue 14, hole 6: the ASLL instruction channels, who sits in them and who may
start a measure are department settings, not the Loire's CLU/CLT imposed
everywhere; and a bilan d'installation's support must really start
(BILAN-SUITE). Commands and imported histories."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from domain import legality
from domain.department_settings import DepartmentSettings
from domain.mesure import Mesure
from tests.helpers.aggregates import given, then_error, when
from tests.helpers.dossiers import make_meta
from tests.helpers.mesures import (
    DAY,
    asll_settings,
    course,
    history_after,
    request_args,
)

DEPARTMENTS = Path(__file__).parents[2] / "infra" / "departments"
FSL = {
    "code": "fsl_ctm",
    "name": "le FSL de la CTM",
    "kinds": ["individuelle", "bail_glissant"],
    "members": ["FSL CTM"],
}
MARTINIQUE = asll_settings(asll_channels=[FSL])


def settings_file(code: str) -> DepartmentSettings:
    data = json.loads((DEPARTMENTS / f"{code}.json").read_text())
    return DepartmentSettings.model_validate(data["settings"])


def requested(settings: DepartmentSettings, **options: Any) -> Mesure:
    meta = make_meta("prescripteur", DAY["request"])
    c = course(settings=settings)
    return given(when(None, lambda _: Mesure.request(**request_args(c), meta=meta)))


def test_each_department_names_its_own_channels() -> None:
    channels = {
        code: settings_file(code).channel("individuelle")
        for code in ("42", "972", "24")
    }
    codes = {code: getattr(c, "code", None) for code, c in channels.items()}
    assert codes["42"] == "clu"
    assert {codes["972"], codes["24"]}.isdisjoint({"clu", "clt", None})


def test_a_martinique_measure_is_instructed_by_its_own_channel() -> None:
    mesure = requested(MARTINIQUE)
    assert (mesure.channel, mesure.channel_name) == ("fsl_ctm", "le FSL de la CTM")
    clu = make_meta("commission_logement", DAY["instruct"], organisation="CLU")
    error = then_error(mesure, lambda m: m.instruct(True, None, clu), "ASLL-CANAL")
    assert "le FSL de la CTM" in error.message
    fsl = make_meta("commission_logement", DAY["instruct"], organisation="FSL CTM")
    mesure.instruct(True, None, fsl)
    assert mesure.stage == "instruite"


def test_a_kind_without_channel_cannot_be_asked() -> None:
    only_individual = asll_settings(asll_channels=[{**FSL, "kinds": ["individuelle"]}])
    meta = make_meta("prescripteur", DAY["request"])
    c = course(settings=only_individual, kind="bail_glissant")
    then_error(
        None, lambda _: Mesure.request(**request_args(c), meta=meta), "ASLL-CANAL"
    )


def settings_on(settings: DepartmentSettings) -> Any:
    return lambda day: (1, settings)


def test_an_imported_measure_instructed_by_the_loire_channel_is_found() -> None:
    _, events = history_after("request", "instruct", "notify")  # the CLU's default
    found = legality.check_mesure(events, settings_on(MARTINIQUE), date(2025, 4, 1))
    canal = [f for f in found if f.rule == "ASLL-CANAL"]
    assert ["le FSL de la CTM" in f.message for f in canal][:1] == [True]


def after_a_bilan(*steps: str) -> list[Any]:
    _, events = history_after(*steps)
    return [replace(events[0], origin_dossier_id=uuid4(), min_months=6), *events[1:]]


def test_a_bilan_support_that_never_starts_is_found() -> None:
    events = after_a_bilan("request")
    due = date(2025, 4, 3)  # a month after the request (the default: assumption)
    on = settings_on(asll_settings())
    assert [f.rule for f in legality.check_mesure(events, on, due)] == []
    [finding] = legality.check_mesure(events, on, due + timedelta(days=1))
    assert (finding.rule, finding.breached_on) == (
        "BILAN-SUITE",
        due + timedelta(days=1),
    )


def test_a_bilan_support_started_in_time_is_legal() -> None:
    events = after_a_bilan(
        "request", "instruct", "notify", "diagnose", "sign_convention"
    )
    found = legality.check_mesure(
        events, settings_on(asll_settings()), date(2025, 4, 20)
    )
    assert "BILAN-SUITE" not in [f.rule for f in found]
