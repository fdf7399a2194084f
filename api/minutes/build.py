"""The minutes gathered from the commission's history and its dossiers'."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api.minutes.labels import ANSWERS, EXCEPTIONS, OUTCOMES, STAGE_LABELS
from api.minutes.model import (
    DwellingMinutes,
    FindingLine,
    FollowUp,
    Household,
    Line,
    Minutes,
)
from api.minutes.readers import Readers
from commands.legality import check_record
from domain import commission_steps as c
from domain.commission import Commission
from domain.legality import RULES_BY_ID
from domain.shared import fr_day

if TYPE_CHECKING:
    from commands.application import Logis
    from domain.access import Caller


def build_minutes(
    app: Logis, commission_id: UUID, caller: Caller | None, now: datetime
) -> Minutes:
    """The minutes as they stand at `now`, for `caller` (None: everything)."""
    commission = app.get_commission(commission_id)
    readers = Readers(app, caller)
    events = list(app.events.get(commission_id))
    summary = next(
        (
            e.summary
            for e in reversed(events)
            if isinstance(e, Commission.MinutesClosed)
        ),
        None,
    )
    passed_over: dict[UUID, list[UUID]] = {}
    for event in events:
        if isinstance(event, Commission.RankingDecided):
            for departure in event.departures:
                passed_over[departure["dossier_id"]] = list(departure["passed_over"])
    ranking = commission.ranking or {}
    labels = _ranking_places(ranking)

    def ranking_line(entry: dict[str, Any], outcome: str, place: int | None) -> Line:
        household = readers.household(entry["dossier_id"])
        details = [
            f"passe avant {labels.get(other, 'un dossier')}, prioritaire selon le RDA"
            for other in passed_over.get(entry["dossier_id"], [])
        ]
        return Line(
            household,
            place,
            OUTCOMES[outcome],
            list(entry.get("criteria") or []),
            readers.motive(household, entry.get("motive")),
            details,
        )

    preselection = [
        Line(
            readers.household(p["dossier_id"]), i, OUTCOMES[p["outcome"]], [], None, []
        )
        for i, p in enumerate(commission.preselections, start=1)
    ]
    ranked = [ranking_line(e, "rang", e["rank"]) for e in ranking.get("ranked", [])]
    liste = [
        ranking_line(e, "liste_complementaire", e["position"])
        for e in ranking.get("liste_complementaire", [])
    ]
    non_retenus = [
        ranking_line(e, "non_retenu", None) for e in ranking.get("non_retenus", [])
    ]
    examined = {x["dwelling_ref"]: x for x in commission.examinations}
    exception_motives = {
        e.dwelling_ref: e.exception_motive
        for e in events
        if isinstance(e, Commission.CALDecisionsTaken)
    }
    dwellings = [
        DwellingMinutes(
            ref,
            ref in examined,
            EXCEPTIONS.get(examined[ref]["exception"] or "")
            if ref in examined
            else None,
            exception_motives.get(ref),
            [
                _cal_line(readers, decision, i)
                for i, decision in enumerate(
                    examined[ref]["decisions"] if ref in examined else [], start=1
                )
            ],
        )
        for ref in commission.dwelling_refs
    ]
    programme = None
    if commission.programme_id is not None:
        programme = app.get_programme(commission.programme_id)
    findings = check_record(app, "commission", commission_id, now)
    return Minutes(
        commission=commission,
        programme=programme,
        attendees=list(commission.attendees),
        presided_by=commission.presided_by,
        quorum=_quorum(commission),
        preselection=preselection,
        ranked=ranked,
        liste_complementaire=liste,
        list_valid_until=ranking.get("list_valid_until"),
        non_retenus=non_retenus,
        dwellings=dwellings,
        follow_up=[
            _follow_up(readers.households[i], commission)
            for i in _decided(commission)
            if readers.households[i].dossier is not None
        ],
        findings=[
            FindingLine(
                f.rule,
                RULES_BY_ID[f.rule].title,
                f.severity,
                f.breached_on,
                f.message,
            )
            for f in findings.findings
        ],
        findings_as_of=findings.as_of,
        closed_on=commission.minutes_closed_on,
        summary=summary,
        withheld=sum(not h.named for h in readers.households.values()),
    )


def _ranking_places(ranking: dict[str, Any]) -> dict[UUID, str]:
    places = {
        e["dossier_id"]: f"le classé n° {e['rank']}" for e in ranking.get("ranked", [])
    }
    places |= {
        e["dossier_id"]: f"le n° {e['position']} de la liste complémentaire"
        for e in ranking.get("liste_complementaire", [])
    }
    return places | {
        e["dossier_id"]: "un dossier non retenu" for e in ranking.get("non_retenus", [])
    }


def _cal_line(readers: Readers, decision: dict[str, Any], place: int) -> Line:
    household = readers.household(decision["dossier_id"])
    details = []
    if decision.get("rank") is not None:
        details.append(f"rang d'attribution {decision['rank']}")
    if decision.get("missing_document"):
        deadline = decision.get("condition_deadline")
        until = f" avant le {fr_day(deadline)}" if deadline else ""
        details.append(f"pièce manquante : {decision['missing_document']}{until}")
    if decision.get("return_session_on"):
        details.append(f"revient en séance le {fr_day(decision['return_session_on'])}")
    if decision.get("dalo_designated"):
        details.append("ménage DALO désigné par le préfet")
    prior = decision.get("prior") or {}
    if prior.get("outcome") == "rang":
        details.append(f"classé n° {prior.get('rank')} par la commission préfectorale")
    elif prior.get("outcome") == "liste_complementaire":
        until = prior.get("valid_until")
        details.append(
            f"n° {prior.get('rank')} de la liste complémentaire"
            + (f" (valable jusqu'au {fr_day(until)})" if until else "")
        )
    return Line(
        household,
        place,
        OUTCOMES.get(decision["decision"], decision["decision"]),
        [],
        readers.motive(household, decision.get("motive")),
        details,
    )


def _quorum(commission: Commission) -> str | None:
    """PRECOM-QUORUM and COMPREF-PRESIDENCE, as the attendance sheet shows them."""
    roles = {a["role"] for a in commission.attendees}
    if not commission.attendees:
        return None
    if commission.kind == c.PRE_COMMISSION:
        missing = [r for r in c.QUORUM_ROLES if r not in roles]
        if missing:
            return f"PRECOM-QUORUM : non atteint (absent : {', '.join(missing)})"
        return "PRECOM-QUORUM : Préfecture et DEAL présentes"
    if commission.kind == c.COMMISSION_PREFECTORALE:
        president = commission.presided_by or {}
        presides = president.get("function") in c.PRESIDING_FUNCTIONS
        deal = "deal" in roles
        if presides and deal:
            return "COMPREF-PRESIDENCE : présidence préfectorale, DEAL présente"
        lacks = [
            what
            for what, held in (("présidence préfectorale", presides), ("DEAL", deal))
            if not held
        ]
        return f"COMPREF-PRESIDENCE : manque {', '.join(lacks)}"
    return None


def _decided(commission: Commission) -> list[UUID]:
    return list(dict.fromkeys(commission.decided))


def _follow_up(household: Household, commission: Commission) -> FollowUp:
    """What became of a dossier since the session, as far as Logis records it."""
    dossier = household.dossier
    assert dossier is not None  # only readable dossiers are followed up
    cal = None
    decision = dossier.cal_decision or {}
    if decision and decision.get("commission_id") != commission.id:
        where = f" ({decision['dwelling_ref']})" if decision.get("dwelling_ref") else ""
        cal = (
            f"{OUTCOMES.get(decision['decision'], decision['decision'])}{where}, "
            f"CAL de {decision.get('landlord') or '—'} le "
            f"{fr_day(decision['decided_on'])}"
        )
    deferral = dossier.deferral or {}
    if cal is None and deferral and deferral.get("commission_id") != commission.id:
        back = deferral.get("return_session_on")
        cal = "ajournement" + (f", revient en séance le {fr_day(back)}" if back else "")
    offer = None
    if dossier.proposal:
        proposal = dossier.proposal
        answer = proposal.get("answer")
        offer = (
            f"{proposal['dwelling_ref']} proposé le "
            f"{fr_day(proposal['offered_on'])} : {ANSWERS.get(answer, answer)}"
        )
    lease = None
    if dossier.lease:
        lease = (
            f"{dossier.lease['dwelling_ref']}, bail au "
            f"{fr_day(dossier.lease['lease_start'])}"
        )
    return FollowUp(
        household,
        STAGE_LABELS.get(dossier.stage, dossier.stage),
        cal,
        offer,
        lease,
    )
