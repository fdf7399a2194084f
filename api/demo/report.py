"""What the demo tells its user: what a load wrote, or what an earlier load
holds, in French.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from eventsourcing.application import AggregateNotFoundError

from api.demo.loire import LOIRE_DAYS
from api.demo.plan import (
    ACTORS,
    CAL_OZANAM,
    CAL_SIMAR,
    COMMISSION,
    COMMUNE,
    COMMUNE_NAME,
    PRE_COMMISSION,
    PROGRAMMES,
    SCENARIO_DAYS,
    Ids,
    Plan,
    key,
)
from commands.application import Logis
from commands.dossier import ReviewInstallation
from commands.programme import AnnounceProgramme
from commands.saisine import SignalSaisine
from domain.association import AssociationLoad, association_load_id
from domain.dossier_steps import STAGES
from domain.mesure import Mesure
from domain.mesure_steps import STAGES as MESURE_STAGES
from domain.mesure_steps import UNDER_CONVENTION
from domain.shared import fr_day


def already_loaded(app: Logis, plans: list[Plan]) -> str:
    plan = plans[0]
    lines = [
        "La démonstration est déjà chargée (clé d'idempotence demo:0 présente) : "
        "rien n'a été écrit."
    ]
    for number, order in enumerate(plan.orders):
        if order.name in PROGRAMMES and isinstance(order.command, AnnounceProgramme):
            found = app.store.find_idempotency(key(number))
            if found is not None:
                programme_id = found[1]["id"]
                lines.append(
                    f"Programme « {PROGRAMMES[order.name][0]} » ({COMMUNE_NAME}) : "
                    f"GET /v1/programmes/{programme_id}"
                )
    lines.append(f"Dossiers : GET /v1/dossiers?commune={COMMUNE}")
    lines += _bilan_mesure_lines(app, plan)
    for loire in plans[1:2]:
        lines += ["", f"Loire ({loire.code}), associations :", *_load_lines(app, loire)]
    if len(plans) > 2:  # Martinique, the Loire, the Loire's CCAPEX
        lines += ["", "Saisines CCAPEX de la Loire :", *_saisine_lines(app, plans)]
    return "\n".join(lines)


def _saisine_lines(app: Logis, plans: list[Plan]) -> list[str]:
    """The referrals an earlier load signalled, found by their orders' keys."""
    first = len(plans[0].orders) + len(plans[1].orders)
    lines = []
    for number, order in enumerate(plans[2].orders, start=first):
        found = app.store.find_idempotency(key(number))
        if isinstance(order.command, SignalSaisine) and found is not None:
            household = plans[2].names[order.name]
            lines.append(f"  GET /v1/saisines/{found[1]['id']}  {household}")
    return lines


def martinique_report(
    app: Logis,
    plan: Plan,
    effective_from: date,
    ids: Ids,
    written: int,
    resumed: bool,
) -> str:
    stages = {name: app.get_dossier(ids[name]).stage for name in plan.names}
    counts = Counter(stages.values())
    lines = [
        ("Démonstration reprise et complétée" if resumed else "Démonstration chargée")
        + f" : département {plan.code}, paramètres en vigueur depuis le "
        f"{fr_day(effective_from)}.",
        f"{COMMUNE_NAME} ({COMMUNE}), du {fr_day(plan.ago(SCENARIO_DAYS))} au "
        f"{fr_day(plan.anchor)} : {len(stages)} dossiers, "
        f"{written} commandes enregistrées.",
        "",
        "Programmes :",
        *_programme_lines(app, ids),
        "",
        "Commissions :",
        *_commission_lines(app, ids),
        "",
        "Dossiers par étape :",
        *(f"  {stage:<26} {counts[stage]}" for stage in STAGES if stage in counts),
        "",
        "Dossiers :",
        *(
            f"  {ids[name]}  {stage:<26} {plan.names[name]}"
            for name, stage in sorted(stages.items(), key=lambda i: STAGES.index(i[1]))
        ),
    ]
    if plan.anchor < plan.today:
        lines += [
            "",
            f"Scénario daté au plus tard du {fr_day(plan.anchor)} : les plafonds de "
            f"ressources de {plan.today.year} manquent dans les paramètres du "
            "département.",
        ]
    lines += ["", *_bilan_mesure_lines(app, plan)]
    lines += ["", f"Chronologie d'un dossier : logis history {ids['joseph-angelique']}"]
    return "\n".join(lines)


def _bilan_mesure_lines(app: Logis, plan: Plan) -> list[str]:
    """The measure the bilan d'installation asked for, saved with it: the last
    event of that command (its idempotency key's position) is the request."""
    for number, order in enumerate(plan.orders):  # Martinique's orders come first
        command = order.command
        if isinstance(command, ReviewInstallation) and command.adhesion_signed_on:
            found = app.store.find_idempotency(key(number))
            if found is None:
                return []
            (notification,) = app.notification_log.select(found[2], 1)
            event = app.mapper.to_domain_event(notification)
            if not isinstance(event, Mesure.Requested):
                return []
            return [
                f"Mesure ASLL demandée avec le bilan d'installation de "
                f"{plan.names[order.name]} : GET /v1/mesures/{event.originator_id}"
            ]
    return []


def _programme_lines(app: Logis, ids: Ids) -> list[str]:
    lines = []
    for name, (title, landlord, kind) in PROGRAMMES.items():
        programme = app.get_programme(ids[name])
        dwellings = ", ".join(
            f"{d['typology']} {ref}" for ref, d in programme.dwellings.items()
        )
        if programme.concertation:
            held_on = programme.concertation["held_on"]
            quota = programme.concertation["dossiers_per_dwelling"]
            what = f"concertation du {fr_day(held_on)}, {quota} dossiers par logement"
        else:
            what = "candidats proposés par la liste complémentaire de la commune"
        organisation = ACTORS[landlord].organisation
        lines += [
            f"  « {title} » ({organisation}, {kind}) : {dwellings} ; {what}",
            f"    GET /v1/programmes/{ids[name]}",
        ]
    return lines


def _commission_lines(app: Logis, ids: Ids) -> list[str]:
    lines = []
    for name, label in (
        (PRE_COMMISSION, "pré-commission"),
        (COMMISSION, "commission préfectorale, présidée par le préfet"),
        (CAL_SIMAR, "commission d'attribution de SIMAR"),
        (CAL_OZANAM, "commission d'attribution d'Ozanam"),
    ):
        commission = app.get_commission(ids[name])
        lines.append(f"  {ids[name]}  {fr_day(commission.held_on)}  {label}")
        valid_until = (commission.ranking or {}).get("list_valid_until")
        if valid_until:
            lines.append(
                f"    liste complémentaire de {COMMUNE_NAME} valable jusqu'au "
                f"{fr_day(valid_until)}"
            )
    return lines


def loire_lines(
    app: Logis, plan: Plan, effective_from: date, ids: Ids, written: int
) -> list[str]:
    mesures = {name: app.get_mesure(ids[name]) for name in plan.names}
    counts = Counter(m.stage for m in mesures.values())
    ordered = sorted(mesures.items(), key=lambda i: MESURE_STAGES.index(i[1].stage))
    return [
        f"Loire ({plan.code}) : paramètres en vigueur depuis le "
        f"{fr_day(effective_from)}.",
        f"Mesures ASLL du {fr_day(plan.ago(LOIRE_DAYS))} au "
        f"{fr_day(plan.anchor)} : {len(mesures)} mesures, {written} commandes "
        "enregistrées.",
        "",
        "Associations (ménages suivis / capacité mensuelle) :",
        *_load_lines(app, plan),
        "",
        "Mesures par étape :",
        *(
            f"  {stage:<26} {counts[stage]}"
            for stage in MESURE_STAGES
            if stage in counts
        ),
        "",
        "Mesures :",
        *(
            f"  {m.id}  {m.stage:<26} {plan.names[name]}{_term(m, plan.anchor)}"
            for name, m in ordered
        ),
        "",
        "Une mesure : GET /v1/mesures/<id> ; sa chronologie : "
        "GET /v1/mesures/<id>/history",
    ]


def _term(mesure: Mesure, today: date) -> str:
    """A measure under convention past its end, or ending within 30 days."""
    if mesure.stage not in UNDER_CONVENTION or mesure.ends_on is None:
        return ""
    if mesure.ends_on < today:
        return f" ; échue le {fr_day(mesure.ends_on)}, bilan attendu"
    if mesure.ends_on <= today + timedelta(days=30):
        return f" ; prend fin le {fr_day(mesure.ends_on)}"
    return ""


def _load_lines(app: Logis, plan: Plan) -> list[str]:
    """Each association's households under way against its capacity
    (ASLL-CAPACITE), read from its load."""
    lines = []
    for association in plan.settings.associations:
        try:
            load = app.repository.get(association_load_id(plan.code, association.code))
        except AggregateNotFoundError:
            load = None
        active, renforce = 0, 0
        if isinstance(load, AssociationLoad):
            active, renforce = len(load.active), load.renforce_count
        capacity = association.monthly_capacity
        notes = []
        if association.renforce_capacity:
            notes.append(
                f"dont {renforce} / {association.renforce_capacity} suivis renforcés"
            )
        if association.direct:
            notes.append("saisie directe")
        if active >= capacity:
            notes.append("complète")
        load_text = f"{active:>3} / {capacity}"
        line = f"  {association.name:<36} {load_text:<9} {', '.join(notes)}"
        lines.append(line.rstrip())
    return lines


def ccapex_lines(app: Logis, plan: Plan, ids: Ids, written: int) -> list[str]:
    """The Loire's CCAPEX referrals: stage and what the history shows."""
    lines = [
        f"CCAPEX de la Loire : {len(plan.names)} saisines, {written} commandes "
        "enregistrées.",
    ]
    for name, household in plan.names.items():
        saisine = app.get_saisine(ids[name])
        lines.append(f"  {saisine.id}  {saisine.stage:<22} {household}")
        lines += [f"      constat : {finding}" for finding in saisine.findings]
    lines.append(
        "Une saisine : GET /v1/saisines/<id> ; sa chronologie : "
        "GET /v1/saisines/<id>/history"
    )
    return lines
