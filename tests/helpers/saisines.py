"""Builders for CCAPEX referral tests: a referral signalled by its landlord and
taken through its steps (public command methods only), on a fixed 2025 calendar
(`SAISINE_DAY`) outside the winter truce, one date per step.

    saisine = saisine_after("register", "request_enquiry")   # nothing pending
    perform_on_saisine(saisine, "return_enquiry", role="association")
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from domain.saisine import Saisine
from domain.shared import Meta
from tests.helpers.aggregates import given
from tests.helpers.dossiers import COMMUNE, DEPARTMENT, make_meta

LANDLORD = "SIMAR"
HOUSEHOLD = UUID("5a1e0000-0000-4000-8000-000000000972")
ARREARS = Decimal("1850.40")
OPERATOR = "UDAF 24 (MOUS)"
ENQUIRY_SUMMARY = "Dette née d'une perte d'emploi ; le ménage accepte un plan."
RECOMMENDATIONS = ("Saisir le FSL pour la dette", "Plan d'apurement avec le bailleur")

SAISINE_DAY: dict[str, date] = {
    "signal": date(2025, 4, 1),
    "register": date(2025, 4, 3),
    "request_enquiry": date(2025, 4, 7),
    "return_enquiry": date(2025, 5, 5),
    "orient": date(2025, 5, 12),
    "examine": date(2025, 5, 20),
    "issue_avis": date(2025, 5, 20),
    "record_follow_up": date(2025, 6, 16),
    "record_court_dates": date(2025, 7, 1),
    "close": date(2025, 9, 15),
}
SAISINE_ROLE: dict[str, str] = {
    "register": "ccapex",
    "request_enquiry": "ccapex",
    "return_enquiry": "association",
    "orient": "ccapex",
    "examine": "ccapex",
    "issue_avis": "ccapex",
    "record_follow_up": "ccapex",
    "record_court_dates": "prefecture",
    "close": "ccapex",
}
# The main line, in order: each step follows the ones before it.
MAIN_LINE = (
    "register",
    "request_enquiry",
    "return_enquiry",
    "orient",
    "examine",
    "issue_avis",
    "record_follow_up",
)
SAISINE_STEPS = (*MAIN_LINE, "record_court_dates", "close")


def signal_command(meta: Meta, **overrides: Any) -> Callable[[Any], Saisine]:
    """Saisine.signal with valid arguments: SIMAR refers its tenant."""
    arguments: dict[str, Any] = {
        "saisine_id": uuid4(),
        "source": "saisine_bailleur",
        "household_id": HOUSEHOLD,
        "department": DEPARTMENT,
        "commune": COMMUNE,
        "landlord": LANDLORD,
        "landlord_is_legal_entity": True,
        "arrears": ARREARS,
        **overrides,
    }
    return lambda _: Saisine.signal(**arguments, meta=meta)


def court_dates(on: date) -> tuple[date, date]:
    """An assignation delivered ten days before `on`, a hearing eight weeks later."""
    summons = on - timedelta(days=10)
    return summons, summons + timedelta(weeks=8)


_SAISINE_STEPS: dict[str, Callable[[Saisine, Meta], None]] = {
    "register": lambda x, meta: x.register(meta),
    "request_enquiry": lambda x, meta: x.request_enquiry(OPERATOR, "association", meta),
    "return_enquiry": lambda x, meta: x.return_enquiry(ENQUIRY_SUMMARY, meta),
    "orient": lambda x, meta: x.orient("fsl", "Dossier FSL maintien à monter.", meta),
    "examine": lambda x, meta: x.examine(meta.occurred_on, meta),
    "issue_avis": lambda x, meta: x.issue_avis(list(RECOMMENDATIONS), meta),
    "record_follow_up": lambda x, meta: x.record_follow_up(
        "Aide FSL accordée, plan d'apurement signé.", meta
    ),
    "record_court_dates": lambda x, meta: x.record_court_dates(
        *court_dates(meta.occurred_on), meta
    ),
    "close": lambda x, meta: x.close("dette_soldee", meta),
}


def perform_on_saisine(
    saisine: Saisine,
    step: str,
    *,
    role: str | None = None,
    on: date | None = None,
    organisation: str | None = None,
) -> None:
    """Run one step with valid arguments, as `role` of `organisation` (default:
    the role's; a landlord's agent, the referral's landlord's; the enquiry's
    operator, the one it was asked of)."""
    role = role or SAISINE_ROLE[step]
    if organisation is None and role == "bailleur":
        organisation = saisine.landlord
    if organisation is None and saisine.enquiry and step == "return_enquiry":
        organisation = saisine.enquiry["operator"]
    meta = make_meta(role, on or SAISINE_DAY[step], organisation=organisation)
    _SAISINE_STEPS[step](saisine, meta)


def saisine_with_history(
    *steps: str, by: str = "bailleur", **signalled: Any
) -> tuple[Saisine, list[Any]]:
    """A referral signalled by `by` (default its landlord; `signalled` overrides
    the signal), taken through `steps` in order."""
    landlord = signalled.get("landlord", LANDLORD) if by == "bailleur" else None
    meta = make_meta(by, SAISINE_DAY["signal"], organisation=landlord)
    saisine = signal_command(meta, **signalled)(None)
    for step in steps:
        perform_on_saisine(saisine, step)
    return saisine, list(saisine.collect_events())


def saisine_after(*steps: str, by: str = "bailleur", **signalled: Any) -> Saisine:
    """The referral as the repository would load it (nothing pending)."""
    return given(saisine_with_history(*steps, by=by, **signalled)[1])


def through(step: str) -> tuple[str, ...]:
    """The main-line steps up to and including `step`."""
    return MAIN_LINE[: MAIN_LINE.index(step) + 1]
