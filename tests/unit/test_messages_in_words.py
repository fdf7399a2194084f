"""Refusals and findings are read by the people of the procedure: they name
roles, stages, decisions and channels by their labels, never by the codes the
JSON keeps (issue 16 item 6), and days as « 01/03/2026 », never in the ISO form
the JSON keeps. The stable error codes do not change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from uuid import uuid4

import pytest

from commands.erasure import (
    ErasableRecord,
    RetentionNotElapsedError,
    check_retention_elapsed,
)
from domain import dossier as d
from domain import records
from domain.dossier_rules import contact_breach
from domain.shared import (
    ROLE_LABELS,
    ROLES,
    Actor,
    RoleNotAllowedError,
    check_role,
    fr_day,
    role_label,
)
from tests.helpers.aggregates import then_error
from tests.helpers.dossiers import DAY, drive_to, perform


def test_every_role_has_a_label() -> None:
    assert set(ROLE_LABELS) == set(ROLES)
    assert role_label("commission_logement") == "Commission logement (CLU/CLT)"
    assert role_label("inconnu") == "inconnu"


def test_a_role_refused_a_step_reads_the_roles_by_their_labels() -> None:
    actor = Actor("agent", "commission_logement", "CLU")
    allowed = frozenset({"prefecture", "deal", "als"})
    with pytest.raises(RoleNotAllowedError) as refused:
        check_role(actor, allowed, "classement")
    assert refused.value.code == "role_not_allowed"
    assert refused.value.message == (
        "Le rôle « Commission logement (CLU/CLT) » ne peut pas enregistrer "
        "l'étape « classement » (rôles autorisés : ALS, DEAL, Préfecture)."
    )


def test_a_document_asked_outside_the_channels_names_who_was_asked() -> None:
    breach = contact_breach("prefecture")
    assert breach is not None
    assert breach.message.endswith("pas « Préfecture ».")
    breach = contact_breach("demandeur")
    assert breach is not None
    assert breach.message.endswith("pas « le demandeur ».")


def test_a_step_out_of_order_names_the_stages_in_words() -> None:
    dossier = drive_to(d.IDENTIFIED)
    refused = then_error(dossier, lambda x: perform(x, "complete"), "DOS-ORDRE")
    assert "suit l'étape « avis de la Mairie rendu »" in refused.message
    assert "le dossier est à l'étape « identifié »" in refused.message


def test_a_step_at_the_wrong_stage_names_the_stage_in_words() -> None:
    dossier = drive_to(d.RESOURCES)
    refused = then_error(
        dossier, lambda x: perform(x, "request_documents"), "invalid_transition"
    )
    assert "à l'étape « ressources contrôlées »" in refused.message


def test_a_step_on_an_ended_dossier_names_its_stage_in_words() -> None:
    dossier = drive_to(d.WITHDRAWN)
    on = max(DAY["render_social_enquiry"], dossier.last_occurred_on)
    refused = then_error(
        dossier,
        lambda x: perform(x, "render_social_enquiry", on=on),
        "dossier_ended",
    )
    assert "Le dossier est terminé (retiré)" in refused.message


def test_a_report_names_its_records_in_words() -> None:
    commission = SimpleNamespace(
        kind="commission_prefectorale", held_on=date(2025, 3, 4)
    )
    mesure = SimpleNamespace(
        kind="action_specifique", association_name="AGASEF", channel_name="direct"
    )
    saisine = SimpleNamespace(source="impayes_caf", landlord="SIMAR")
    assert [
        records.kind("commission").title(commission, name_households=False),
        records.kind("mesure").title(mesure, name_households=False),
        records.kind("saisine").title(saisine, name_households=False),
    ] == [
        "Commission préfectorale du 04/03/2025",
        "Mesure action spécifique — AGASEF",
        "Saisine (impayés signalés par la CAF) — SIMAR",
    ]


def test_an_erasure_refused_names_the_records_still_followed() -> None:
    record_id = uuid4()
    record = ErasableRecord(record_id, "mesure", None, ["Soc"], erased=False)
    with pytest.raises(RetentionNotElapsedError) as refused:
        check_retention_elapsed([record], date(2026, 1, 5))
    assert f"(Mesure ASLL {record_id})" in refused.value.message


def test_a_day_reads_in_french() -> None:
    assert fr_day(date(2026, 3, 1)) == "01/03/2026"
    assert fr_day(date(5, 1, 9)) == "09/01/0005"  # four digits on every platform
    assert fr_day(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == "01/03/2026"


def test_a_step_dated_before_the_previous_one_shows_both_days_in_french() -> None:
    dossier = drive_to(d.IDENTIFIED)
    previous = dossier.last_occurred_on
    earlier = previous - timedelta(days=1)
    refused = then_error(
        dossier,
        lambda x: perform(x, "render_social_enquiry", on=earlier),
        "occurred_on_out_of_order",
    )
    assert refused.message == (
        f"Date de l'étape ({earlier:%d/%m/%Y}) antérieure à l'étape précédente "
        f"({previous:%d/%m/%Y})."
    )


def test_an_erasure_refused_too_early_says_from_which_day_in_french() -> None:
    record = ErasableRecord(uuid4(), "mesure", date(2026, 1, 31), ["Soc"], False)
    with pytest.raises(RetentionNotElapsedError) as refused:
        check_retention_elapsed([record], date(2026, 1, 5))
    assert refused.value.message.endswith("effacement possible à partir du 01/02/2026.")


def test_every_day_for_people_goes_through_fr_day() -> None:
    """Days reach people through `fr_day` only: no `.isoformat()` in an
    f-string of domain/ or commands/ (the machine's ISO stays in JSON, built
    elsewhere), and no other dd/mm/yyyy format anywhere."""
    root = Path(__file__).parents[2]
    found = [
        f"{path.relative_to(root)}:{number}"
        for folder in ("domain", "commands", "projections", "infra", "api")
        for path in sorted((root / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "%d/%m/%Y" in line
        or (folder in ("domain", "commands") and ".isoformat()}" in line)
    ]
    assert found == []
