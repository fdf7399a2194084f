"""Which department settings each rule reads, so that a finding judged by a
value resting on an assumption (rather than on a text) says so: the finding
carries those assumptions, in French, beside its message."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from domain.legality.rules import in_force

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date
    from typing import Any

    from domain.legality.rules import Finding, SettingsOn

    Check = Callable[..., list[Finding]]

# Rule id -> the DepartmentSettings fields its check reads.
RULE_SETTINGS: dict[str, tuple[str, ...]] = {
    "CONC-QUOTA": ("dossiers_per_dwelling",),
    "DOS-COMPLET": ("required_documents",),
    "DEAL-PLAFOND": ("resource_ceilings",),
    "ALS-SOLVA": ("max_taux_effort", "min_reste_a_vivre_per_person"),
    "COMPREF-RANG": ("rda_priority_criteria",),
    "LC-VALIDITE": ("liste_complementaire_validity_months",),
    "DALO-DELAI": ("dalo_mediation_months", "dalo_offer_months"),
    "BILAN-DELAI": ("bilan_installation_deadline_months",),
    "BILAN-SUITE": ("min_support_months_after_bilan", "bilan_support_start_months"),
    "RGPD-CONSERVATION": (
        "social_data_retention_months",
        "support_retention_months",
    ),
    "ASLL-PRESCRIPTEUR": ("prescriber_roles", "associations"),
    "ASLL-CANAL": ("associations", "asll_channels"),
    "ASLL-CONTENU": ("asll_work_axes",),
    "ASLL-DUREE": (
        "asll_min_months",
        "asll_max_months",
        "asll_renewals_allowed",
        "asll_reintervention_gap_months",
    ),
    "ASLL-RYTHME": ("meetings_per_month",),
    "ASLL-CAPACITE": ("associations",),
    "BG-GLISSEMENT": ("bail_glissant_review_months",),
    "SAISIE-TARDIVE": ("late_entry_days",),
}


def with_assumptions(findings: list[Finding], settings_on: SettingsOn) -> list[Finding]:
    """`findings`, each with the assumptions under the settings its rule read,
    in the version in force on the day the breach came into being."""
    annotated = []
    for finding in findings:
        names = RULE_SETTINGS.get(finding.rule, ())
        judged = in_force(settings_on, finding.breached_on) if names else None
        if judged is not None:
            found = judged[1].assumptions(names, finding.breached_on)
            if found:
                finding = replace(finding, assumptions=finding.assumptions + found)
        annotated.append(finding)
    return annotated


def stating_assumptions(check: Check) -> Check:
    """A record check whose findings state the assumptions they rest on."""

    def checked(
        events: Sequence[Any], settings_on: SettingsOn, as_of: date, **more: Any
    ) -> list[Finding]:
        return with_assumptions(check(events, settings_on, as_of, **more), settings_on)

    checked.__doc__ = check.__doc__
    return checked
