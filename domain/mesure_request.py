"""How an ASLL measure is asked for (DOMAIN.md §4): by an authorised prescriber
(ASLL-PRESCRIPTEUR) or, for its specific actions, the association itself
(ASLL-CANAL), on a prior diagnostic co-signed by the household (ASLL-ADHESION);
a re-intervention continues the household's chain of renewals (ASLL-DUREE).

`MesureRequest.request` creates the aggregate (domain/mesure.py `Mesure`, which
mixes it in) with its `Requested` event."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from domain.mesure_rules import ChainLink, chained_renewals, instruction_channel
from domain.mesure_steps import ASSOCIATION, KINDS, TERMINAL
from domain.shared import (
    InvalidValueError,
    Meta,
    RoleNotAllowedError,
    RuleViolation,
    TransitionError,
    role_labels,
)

if TYPE_CHECKING:
    from domain.department_settings import AssociationSettings, DepartmentSettings
    from domain.mesure import Mesure


class MesureRequest:
    """The measure's creation command, mixed into `Mesure`."""

    @classmethod
    def request(
        cls,
        *,
        mesure_id: UUID,
        kind: str,
        household_id: UUID,
        department: str,
        commune: str,
        diagnostic_summary: str,
        diagnostic_signed_on: date,
        household_signed: bool,
        settings: DepartmentSettings,
        meta: Meta,
        min_months: int | None = None,
        origin_dossier_id: UUID | None = None,
        previous: Mesure | None = None,
        association: AssociationSettings | None = None,
    ) -> Mesure:
        if kind not in KINDS:
            msg = f"Nature de mesure inconnue : {', '.join(KINDS)}."
            raise InvalidValueError(msg)
        prescribers = frozenset(settings.prescriber_roles)
        if kind == "action_specifique":
            # ARIV, ARALIS: the association takes its own households directly.
            if association is None or not association.direct:
                msg = (
                    "Une action spécifique est demandée à une association qui "
                    "instruit elle-même."
                )
                raise RuleViolation("ASLL-CANAL", msg)
            prescribers |= ASSOCIATION
            if meta.actor.role == "association" and (
                meta.actor.organisation != association.name
            ):
                msg = f"Seule {association.name} demande ses propres actions."
                raise RoleNotAllowedError(msg, "not_the_association")
        if meta.actor.role not in prescribers:
            msg = (
                f"Seul un prescripteur habilité demande une mesure ASLL "
                f"(rôles : {role_labels(prescribers)})."
            )
            raise RuleViolation("ASLL-PRESCRIPTEUR", msg)
        if not household_signed or not diagnostic_summary.strip():
            msg = (
                "La demande repose sur un diagnostic préalable co-signé par le ménage "
                "(adhésion)."
            )
            raise RuleViolation("ASLL-ADHESION", msg)
        if min_months is not None and min_months > settings.asll_max_months:
            msg = (
                f"Un accompagnement d'au moins {min_months} mois dépasse la durée "
                f"d'une mesure dans le département ({settings.asll_max_months} mois "
                "au plus)."
            )
            raise RuleViolation("ASLL-DUREE", msg)
        if diagnostic_signed_on > meta.occurred_on:
            msg = "Le diagnostic est signé avant la demande."
            raise InvalidValueError(msg)
        if previous is not None and (
            previous.household_id != household_id or previous.stage not in TERMINAL
        ):
            msg = (
                "Une ré-intervention suit une mesure terminée, rompue ou réorientée "
                "du même ménage."
            )
            raise TransitionError(msg, "previous_mesure_open")
        channel = instruction_channel(kind, settings, association)
        chain = chained_renewals(
            previous.link if previous else None, meta.occurred_on, settings
        )
        if chain > settings.asll_renewals_allowed:
            msg = (
                f"Ré-intervention demandée moins de "
                f"{settings.asll_reintervention_gap_months} mois après la fin de la "
                "mesure précédente : elle compte comme un renouvellement, et les "
                f"{settings.asll_renewals_allowed} renouvellement(s) permis dans ce "
                "département sont épuisés."
            )
            raise RuleViolation("ASLL-DUREE", msg)
        return cls._create(
            cls.Requested,
            id=mesure_id,
            kind=kind,
            household_id=household_id,
            department=department,
            commune=commune,
            diagnostic={
                "summary": diagnostic_summary,
                "signed_on": diagnostic_signed_on,
                "household_signed": household_signed,
            },
            min_months=min_months,
            origin_dossier_id=origin_dossier_id,
            previous_mesure_id=previous.id if previous else None,
            chain_renewals=chain,
            **channel,
            association=association.code if association else None,
            association_name=association.name if association else None,
            **meta.fields(),
        )

    @property
    def link(self) -> ChainLink:
        """What a re-intervention reads of this measure (ASLL-DUREE)."""
        return ChainLink(
            self.convention is not None,
            self.last_occurred_on,
            self.chain_renewals,
            self.renewals,
        )
