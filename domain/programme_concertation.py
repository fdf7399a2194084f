"""A programme's announcement and its réunion de concertation (DOMAIN.md §2,
§10; CONC-QUOTA): the commands that open the programme and hold its
concertation, and the checks of the dwellings and partners they name."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING
from uuid import UUID

from domain.places import check_place
from domain.programme_guards import ProgrammeGuards
from domain.programme_steps import (
    ANNOUNCED,
    CONCERTATION_PARTNERS,
    KINDS,
    STEP_ROLES,
    TYPOLOGIES,
)
from domain.shared import (
    ROLES,
    InvalidValueError,
    Meta,
    RuleViolation,
    TransitionError,
    check_all_present,
    check_role,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.department_settings import DepartmentSettings
    from domain.programme import Dwelling, Partner, Programme


class ProgrammeConcertation(ProgrammeGuards):
    """The programme's announcement and its concertation."""

    @classmethod
    def announce(
        cls,
        *,
        programme_id: UUID,
        kind: str,
        landlord: str,
        department: str,
        commune: str,
        name: str,
        dwellings: Sequence[Dwelling],
        meta: Meta,
    ) -> Programme:
        check_role(meta.actor, STEP_ROLES["announce"], "annonce du programme")
        if kind not in KINDS:
            msg = f"Nature de programme inconnue : {', '.join(KINDS)}."
            raise InvalidValueError(msg)
        if not landlord.strip() or not name.strip():
            msg = "Le programme nomme son bailleur et porte un nom."
            raise InvalidValueError(msg)
        check_place(department, commune)
        _check_dwellings(dwellings)
        return cls._create(
            cls.Announced,
            id=programme_id,
            kind=kind,
            landlord=landlord,
            department=department,
            commune=commune,
            name=name,
            dwellings=[asdict(d) for d in dwellings],
            **meta.fields(),
        )

    def hold_concertation(
        self,
        *,
        invited: Sequence[Partner],
        present: Sequence[Partner],
        programme_presented: bool,
        candidate_profile: str,
        settings: DepartmentSettings,
        settings_version: int,
        meta: Meta,
        dossiers_per_dwelling: int | None = None,
        quota_motive: str | None = None,
    ) -> None:
        self._begin("hold_concertation", "réunion de concertation", meta)
        if self.stage != ANNOUNCED:
            msg = "La réunion de concertation du programme a déjà eu lieu."
            raise TransitionError(msg)
        _check_partners([*invited, *present])
        if not present:
            msg = "La réunion de concertation compte au moins un présent."
            raise InvalidValueError(msg)
        check_all_present(
            "CONC-QUOTA",
            CONCERTATION_PARTNERS,
            {p.role for p in invited},
            "Partenaires non invités à la concertation : {missing}.",
        )
        if not programme_presented:
            msg = "La réunion de concertation présente le programme aux partenaires."
            raise RuleViolation("CONC-QUOTA", msg)
        if not candidate_profile.strip():
            msg = "La réunion de concertation définit le profil des candidats."
            raise RuleViolation("CONC-QUOTA", msg)
        setting = settings.dossiers_per_dwelling
        quota = setting if dossiers_per_dwelling is None else dossiers_per_dwelling
        if quota < 1:
            msg = f"Au moins un dossier par logement, pas {quota}."
            raise InvalidValueError(msg)
        if quota != setting and not (quota_motive or "").strip():
            msg = (
                f"Le quota est de {setting} dossiers par logement dans ce "
                f"département : un quota de {quota} est motivé."
            )
            raise RuleViolation("CONC-QUOTA", msg)
        self._record(
            self.ConcertationHeld,
            meta,
            invited=[_partner(p) for p in invited],
            present=[_partner(p) for p in present],
            programme_presented=programme_presented,
            quota_setting=setting,
            dossiers_per_dwelling=quota,
            dossiers_to_gather=quota * len(self.dwellings),
            quota_motive=quota_motive,
            candidate_profile=candidate_profile,
            settings_version=settings_version,
        )


def _check_dwellings(dwellings: Sequence[Dwelling]) -> None:
    refs = [d.ref for d in dwellings]
    if not refs or any(not ref.strip() for ref in refs) or len(set(refs)) < len(refs):
        msg = "Au moins un logement, chacun sous une référence propre."
        raise InvalidValueError(msg)
    for d in dwellings:
        if d.typology not in TYPOLOGIES:
            msg = f"Typologie {d.typology} inconnue : {', '.join(TYPOLOGIES)}."
            raise InvalidValueError(msg)
        if d.rent <= 0 or d.charges < 0:
            msg = f"Loyer positif et charges non négatives ({d.ref})."
            raise InvalidValueError(msg)


def _check_partners(partners: Sequence[Partner]) -> None:
    for p in partners:
        if p.role not in ROLES or not p.organisation.strip():
            msg = f"Partenaire sans nom ou de rôle inconnu : {p.role}."
            raise InvalidValueError(msg)


def _partner(p: Partner) -> dict[str, str]:
    return {"organisation": p.organisation, "role": p.role}
