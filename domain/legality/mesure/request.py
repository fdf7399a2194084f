"""An ASLL measure's request, instruction and notification: ASLL-PRESCRIPTEUR,
ASLL-ADHESION, ASLL-CANAL (domain/legality/mesure)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain import mesure_steps as m
from domain.legality.reading import first_of
from domain.legality.rules import Finding, in_force
from domain.mesure import Mesure
from domain.mesure_rules import channel_label
from domain.shared import fr_day, role_label, role_labels

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.legality.rules import SettingsOn


def check_prescriber(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    request = first_of(events, Mesure.Requested)
    judged = request and in_force(settings_on, request.occurred_on)
    if not judged:
        return []
    number, settings = judged
    allowed = set(settings.prescriber_roles)
    association = request.association and settings.association(request.association)
    if request.kind == "action_specifique" and association and association.direct:
        allowed.add("association")
    if request.actor.role in allowed:
        return []
    return [
        Finding(
            "ASLL-PRESCRIPTEUR",
            f"Mesure demandée le {fr_day(request.occurred_on)} par "
            f"{request.actor.organisation} "
            f"(rôle « {role_label(request.actor.role)} »), qui n'est pas un "
            f"prescripteur habilité (rôles : {role_labels(allowed)}).",
            (request.originator_version,),
            request.occurred_on,
            number,
        )
    ]


def check_adhesion(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    findings = []
    request = first_of(events, Mesure.Requested)
    if request is not None and not (
        request.diagnostic.get("household_signed")
        and str(request.diagnostic.get("summary") or "").strip()
    ):
        findings.append(
            Finding(
                "ASLL-ADHESION",
                f"Mesure demandée le {fr_day(request.occurred_on)} sans diagnostic "
                "préalable co-signé par le ménage.",
                (request.originator_version,),
                request.occurred_on,
            )
        )
    convention = None
    for event in events:
        if isinstance(event, Mesure.ConventionSigned):
            convention = event
            missing = [s for s in m.SIGNATORIES if s not in event.signed_by]
            if missing:
                findings.append(
                    Finding(
                        "ASLL-ADHESION",
                        f"Convention du {fr_day(event.occurred_on)} sans la signature "
                        f"de : {', '.join(missing)}.",
                        (event.originator_version,),
                        event.occurred_on,
                    )
                )
        elif isinstance(event, Mesure.MeetingHeld) and (
            convention is None or event.occurred_on < convention.starts_on
        ):
            findings.append(
                Finding(
                    "ASLL-ADHESION",
                    f"Rencontre du {fr_day(event.occurred_on)} avant toute convention "
                    "en cours : l'accompagnement commence sans l'adhésion signée.",
                    (event.originator_version,),
                    event.occurred_on,
                )
            )
    return findings


def check_channel(events: Sequence[Any], settings_on: SettingsOn) -> list[Finding]:
    """ASLL-CANAL: each step by the channel recorded with the request; a
    measure of a kind the department's settings in force that day give to
    another channel, or to none, is asked of the wrong one."""
    request = first_of(events, Mesure.Requested)
    if request is None or request.kind not in m.KINDS:
        return []
    direct = request.kind == "action_specifique"
    findings = []
    judged = in_force(settings_on, request.occurred_on)
    configured = judged and judged[1].channel(request.kind)
    if (
        judged
        and not direct
        and (configured is None or configured.code != request.channel)
    ):
        expected = configured.name if configured else "aucun canal configuré"
        findings.append(
            Finding(
                "ASLL-CANAL",
                f"Mesure « {m.KIND_LABELS[request.kind]} » demandée le "
                f"{fr_day(request.occurred_on)} pour instruction par "
                f"{request.channel_name} ; le département la confie à : {expected}.",
                (request.originator_version,),
                request.occurred_on,
                judged[0],
            )
        )

    def breach(event: Any, what: str, number: int | None = None) -> None:
        findings.append(
            Finding(
                "ASLL-CANAL",
                f"{what} le {fr_day(event.occurred_on)} par {event.actor.organisation} "
                f"(rôle « {role_label(event.actor.role)} ») : une mesure "
                f"« {m.KIND_LABELS[request.kind]} » "
                f"relève de {request.channel_name}.",
                (event.originator_version,),
                event.occurred_on,
                number,
            )
        )

    steps = (
        (Mesure.Instructed, "Demande instruite"),
        (Mesure.Notified, "Mesure notifiée"),
        (Mesure.Renewed, "Renouvellement décidé"),
        (Mesure.RenewalRefused, "Renouvellement refusé"),
    )
    members = request.channel_members
    for event in events:
        what = next((label for cls, label in steps if type(event) is cls), None)
        if what is None:
            continue
        actor = event.actor
        if actor.role != request.channel_role or (
            members and actor.organisation not in members
        ):
            breach(event, what)
        elif isinstance(event, Mesure.Instructed) and event.channel != request.channel:
            on_day = in_force(settings_on, event.occurred_on)
            named = channel_label(event.channel, on_day and on_day[1])
            breach(event, f"Demande instruite par « {named} »")
        elif direct and isinstance(event, Mesure.Notified):
            on_day = in_force(settings_on, event.occurred_on)
            association = on_day and on_day[1].association(event.association)
            if event.association != request.association:
                breach(event, f"Action spécifique notifiée à {event.association_name}")
            elif on_day and not (association and association.direct):
                breach(
                    event,
                    f"Action spécifique notifiée à {event.association_name}, qui "
                    "n'instruit pas elle-même,",
                    on_day[0],
                )
    return findings
