"""An ASLL measure's request, instruction and notification: ASLL-PRESCRIPTEUR,
ASLL-ADHESION, ASLL-CANAL (domain/legality/mesure)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from domain import mesure_steps as m
from domain.legality.reading import History, finding_on
from domain.legality.rules import Finding
from domain.mesure import Mesure
from domain.mesure_rules import channel_label
from domain.shared import fr_day, role_label, role_labels


def check_prescriber(history: History) -> list[Finding]:
    request = history.first(Mesure.Requested)
    judged = request and history.in_force(request.occurred_on)
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
        finding_on(
            "ASLL-PRESCRIPTEUR",
            f"Mesure demandée le {fr_day(request.occurred_on)} par "
            f"{request.actor.organisation} "
            f"(rôle « {role_label(request.actor.role)} »), qui n'est pas un "
            f"prescripteur habilité (rôles : {role_labels(allowed)}).",
            [request],
            number,
        )
    ]


def check_adhesion(history: History) -> Iterator[Finding]:
    request = history.first(Mesure.Requested)
    if request is not None and not (
        request.diagnostic.get("household_signed")
        and str(request.diagnostic.get("summary") or "").strip()
    ):
        yield finding_on(
            "ASLL-ADHESION",
            f"Mesure demandée le {fr_day(request.occurred_on)} sans diagnostic "
            "préalable co-signé par le ménage.",
            [request],
        )
    convention = None
    for event in history.events:
        if isinstance(event, Mesure.ConventionSigned):
            convention = event
            missing = [s for s in m.SIGNATORIES if s not in event.signed_by]
            if missing:
                yield finding_on(
                    "ASLL-ADHESION",
                    f"Convention du {fr_day(event.occurred_on)} sans la signature "
                    f"de : {', '.join(missing)}.",
                    [event],
                )
        elif isinstance(event, Mesure.MeetingHeld) and (
            convention is None or event.occurred_on < convention.starts_on
        ):
            yield finding_on(
                "ASLL-ADHESION",
                f"Rencontre du {fr_day(event.occurred_on)} avant toute convention "
                "en cours : l'accompagnement commence sans l'adhésion signée.",
                [event],
            )


def check_channel(history: History) -> list[Finding]:
    """ASLL-CANAL: each step by the channel recorded with the request; a
    measure of a kind the department's settings in force that day give to
    another channel, or to none, is asked of the wrong one."""
    request = history.first(Mesure.Requested)
    if request is None or request.kind not in m.KINDS:
        return []
    direct = request.kind == "action_specifique"
    findings = []
    judged = history.in_force(request.occurred_on)
    configured = judged and judged[1].channel(request.kind)
    if (
        judged
        and not direct
        and (configured is None or configured.code != request.channel)
    ):
        expected = configured.name if configured else "aucun canal configuré"
        findings.append(
            finding_on(
                "ASLL-CANAL",
                f"Mesure « {m.KIND_LABELS[request.kind]} » demandée le "
                f"{fr_day(request.occurred_on)} pour instruction par "
                f"{request.channel_name} ; le département la confie à : {expected}.",
                [request],
                judged[0],
            )
        )

    def breach(event: Any, what: str, number: int | None = None) -> None:
        findings.append(
            finding_on(
                "ASLL-CANAL",
                f"{what} le {fr_day(event.occurred_on)} par {event.actor.organisation} "
                f"(rôle « {role_label(event.actor.role)} ») : une mesure "
                f"« {m.KIND_LABELS[request.kind]} » "
                f"relève de {request.channel_name}.",
                [event],
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
    for event in history.events:
        what = next((label for cls, label in steps if type(event) is cls), None)
        if what is None:
            continue
        actor = event.actor
        if actor.role != request.channel_role or (
            members and actor.organisation not in members
        ):
            breach(event, what)
        elif isinstance(event, Mesure.Instructed) and event.channel != request.channel:
            on_day = history.in_force(event.occurred_on)
            named = channel_label(event.channel, on_day and on_day[1])
            breach(event, f"Demande instruite par « {named} »")
        elif direct and isinstance(event, Mesure.Notified):
            on_day = history.in_force(event.occurred_on)
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
