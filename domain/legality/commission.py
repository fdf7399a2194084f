"""Legality rules engine on a commission's history (pré-commission, commission
préfectorale, CAL): the "cmd" rules of DOMAIN.md §8 its commands enforce,
checked again on any history (an import, or rules changed since), as of a day.

Only the events that happened by the end of `as_of` count. Each decision is
judged by the settings in force on its day (`settings_on(occurred_on)`); the
finding records that version when the rule reads a setting.

Readings chosen where the seed is loose are in each check's docstring.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from domain import dossier as d
from domain.commission import Commission
from domain.commission_rules import dalo_claim_problem, programme_path_problem
from domain.commission_steps import (
    ADJOURNMENT,
    CAL,
    CAL_MIN_CANDIDATES,
    CAL_OUTCOMES,
    COMMISSION_PREFECTORALE,
    DIRECT_ATTRIBUTIONS,
    PRE_COMMISSION,
    PRESIDING_FUNCTIONS,
    PRIOR_OUTCOMES,
    QUORUM_ROLES,
)
from domain.legality.reading import History, HistoryCheck, finding_on, in_order
from domain.legality.rules import Finding, SettingsOn, in_force
from domain.liste import rda_departures, unknown_criteria
from domain.shared import fr_day

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


def _finding(
    rule: str, message: str, event: Any, version: int | None = None
) -> Finding:
    return finding_on(rule, message, [event], version)


def _attendance_before(events: Sequence[Any], event: Any) -> Any | None:
    recorded = [
        e
        for e in events
        if isinstance(e, Commission.AttendanceRecorded)
        and e.originator_version < event.originator_version
    ]
    return recorded[-1] if recorded else None


def _check_quorum(history: History) -> Iterator[Finding]:
    """PRECOM-QUORUM: each pré-sélection of a pré-commission follows an
    attendance that records the Préfecture and the DEAL."""
    for event in history.events:
        if not isinstance(event, Commission.PreSelectionDecided):
            continue
        attendance = _attendance_before(history.events, event)
        roles = {a["role"] for a in attendance.attendees} if attendance else set()
        missing = [role for role in QUORUM_ROLES if role not in roles]
        if missing:
            yield _finding(
                "PRECOM-QUORUM",
                f"Pré-sélection du {fr_day(event.occurred_on)} sans la présence "
                f"enregistrée de : {', '.join(missing)}.",
                event,
            )


def _check_presidency(history: History) -> Iterator[Finding]:
    """COMPREF-PRESIDENCE: the ranking of a commission préfectorale follows an
    attendance presided by the Préfecture (préfet, sous-préfet or their
    representative) with the DEAL present."""
    for event in history.events:
        if not isinstance(event, Commission.RankingDecided):
            continue
        attendance = _attendance_before(history.events, event)
        chair = (attendance.presided_by if attendance else None) or {}
        roles = {a["role"] for a in attendance.attendees} if attendance else set()
        problems = []
        if chair.get("role") != "prefecture" or (
            chair.get("function") not in PRESIDING_FUNCTIONS
        ):
            problems.append(
                "présidence autre que le préfet, un sous-préfet ou leur représentant"
            )
        if "deal" not in roles:
            problems.append("DEAL absente")
        if problems:
            yield _finding(
                "COMPREF-PRESIDENCE",
                f"Classement du {fr_day(event.occurred_on)} : {' ; '.join(problems)}.",
                event,
            )


def _check_ranking(history: History) -> Iterator[Finding]:
    """COMPREF-RANG: the ranking follows the RDA order of the settings in force
    on the commission's day (not the order the event copied): an RDA with
    criteria, no unknown criterion, and a motive on each household placed ahead
    of one the RDA puts first. In a CAL, attributing ahead of a household the
    same commission préfectorale ranked better records a motive."""
    for event in history.events:
        if isinstance(event, Commission.RankingDecided):
            yield from _ranking_findings(event, history.settings_on)
        elif isinstance(event, Commission.CALDecisionsTaken):
            yield from _cal_order_findings(event)


def _ranking_findings(event: Any, settings_on: SettingsOn) -> list[Finding]:
    rules = in_force(settings_on, event.occurred_on)
    if rules is None:
        return []
    version, settings = rules
    order = settings.rda_priority_criteria
    retained = [*event.ranked, *event.liste_complementaire]
    everyone = [*retained, *event.non_retenus]
    if not order:
        message = "aucun critère de priorité au RDA en vigueur"
    elif unknown := unknown_criteria(
        (c for e in everyone for c in e.get("criteria", ())), order
    ):
        message = f"critères inconnus du RDA : {', '.join(unknown)}"
    else:
        departures = rda_departures(
            [(e["dossier_id"], e.get("criteria", ())) for e in retained],
            order,
            [(e["dossier_id"], e.get("criteria", ())) for e in event.non_retenus],
        )
        unmotivated = [
            e
            for e in retained
            if e["dossier_id"] in departures and not (e.get("motive") or "").strip()
        ]
        if not unmotivated:
            return []
        message = (
            f"{len(unmotivated)} dossier(s) placé(s) avant un ménage prioritaire "
            "selon le RDA sans motif"
        )
    return [
        _finding(
            "COMPREF-RANG",
            f"Classement du {fr_day(event.occurred_on)} : {message}.",
            event,
            version,
        )
    ]


def _cal_order_findings(event: Any) -> list[Finding]:
    attributed = [x for x in event.decisions if x["decision"] in d.ATTRIBUTIONS]

    def prior_key(x: dict[str, Any]) -> tuple[int, int]:
        outcome = x["prior"].get("outcome")
        place = PRIOR_OUTCOMES.index(outcome) if outcome in PRIOR_OUTCOMES else 9
        return place, x["prior"].get("rank") or 0

    for ahead in attributed:
        for behind in attributed:
            if (
                ahead["prior"].get("commission_id")
                == behind["prior"].get("commission_id")
                and (ahead.get("rank") or 1) < (behind.get("rank") or 1)
                and prior_key(behind) < prior_key(ahead)
                and not (ahead.get("motive") or "").strip()
            ):
                return [
                    _finding(
                        "COMPREF-RANG",
                        f"CAL du {fr_day(event.occurred_on)}, logement "
                        f"{event.dwelling_ref} : attribution hors de l'ordre de la "
                        "commission préfectorale sans motif.",
                        event,
                    )
                ]
    return []


def _check_three(history: History) -> Iterator[Finding]:
    """CAL-TROIS: at least three candidates examined per dwelling, unless one is
    a DALO household designated by the préfet or the shortfall's motive is
    recorded. A designation counts only with the DALO recognition the dossier
    recorded (`dalo_recognised`, read by the CAL); a designation without it is
    a finding of its own, whatever the count."""
    for event in history.events:
        if not isinstance(event, Commission.CALDecisionsTaken):
            continue
        for x in event.decisions:
            problem = dalo_claim_problem(
                bool(x.get("dalo_designated")), bool(x.get("dalo_recognised"))
            )
            if problem:
                yield _finding(
                    "CAL-TROIS",
                    f"CAL du {fr_day(event.occurred_on)}, logement "
                    f"{event.dwelling_ref} : dossier {x['dossier_id']} — "
                    f"{problem}",
                    event,
                )
        count = len(event.decisions)
        if count >= CAL_MIN_CANDIDATES:
            continue
        dalo = any(
            x.get("dalo_designated") and x.get("dalo_recognised")
            for x in event.decisions
        )
        motivated = bool((event.exception_motive or "").strip())
        if not (dalo or motivated):
            yield _finding(
                "CAL-TROIS",
                f"CAL du {fr_day(event.occurred_on)} : {count} candidat(s) pour le "
                f"logement {event.dwelling_ref}, sans ménage DALO désigné ni "
                "motif.",
                event,
            )


def _check_decisions(history: History) -> list[Finding]:
    """CAL-DECISION: each decision is one of R441-3's or an ajournement (motive
    and a return session after the CAL); a ranked attribution carries a rank and
    only it; the dwelling goes to one household, or to households ranked 1..n."""
    findings = []
    for event in history.events:
        if not isinstance(event, Commission.CALDecisionsTaken):
            continue
        problems = []
        for x in event.decisions:
            decision = x["decision"]
            if decision not in CAL_OUTCOMES:
                problems.append(f"décision « {decision} » hors de R441-3")
            elif (decision == "attribution_par_classement") != (
                x.get("rank") is not None
            ):
                problems.append("rang d'une attribution par classement")
            elif decision == ADJOURNMENT and not (
                (x.get("motive") or "").strip()
                and x.get("return_session_on")
                and x["return_session_on"] > event.occurred_on
            ):
                problems.append("ajournement sans motif ni séance de retour")
        direct = [x for x in event.decisions if x["decision"] in DIRECT_ATTRIBUTIONS]
        ranks = sorted(
            x.get("rank") or 0
            for x in event.decisions
            if x["decision"] == "attribution_par_classement"
        )
        if len(direct) > 1 or (direct and ranks):
            problems.append("logement attribué à plus d'un ménage")
        elif ranks != list(range(1, len(ranks) + 1)):
            problems.append("rangs de classement non suivis de 1 à n")
        if problems:
            findings.append(
                _finding(
                    "CAL-DECISION",
                    f"CAL du {fr_day(event.occurred_on)}, logement "
                    f"{event.dwelling_ref} : {' ; '.join(problems)}.",
                    event,
                )
            )
    return findings


def _check_prior(history: History) -> Iterator[Finding]:
    """CAL-PREALABLE and LC-VALIDITE, on the prior ranking each CAL decision
    records: a dossier ranked (for this commune and programme) or on a
    liste complémentaire of this commune still valid on the CAL's day."""
    convened = history.events[0]
    for event in history.events:
        if not isinstance(event, Commission.CALDecisionsTaken):
            continue
        for x in event.decisions:
            prior = x.get("prior") or {}
            outcome = prior.get("outcome")
            rule, problem = None, None
            if outcome not in PRIOR_OUTCOMES:
                rule, problem = "CAL-PREALABLE", "ni classé ni sur liste complémentaire"
            elif outcome == "rang" and prior.get("commune") != convened.commune:
                rule, problem = "CAL-PREALABLE", "classé pour une autre commune"
            elif (
                outcome == "rang"
                and prior.get("programme_id")
                and convened.programme_id
                and prior["programme_id"] != convened.programme_id
            ):
                rule, problem = "CAL-PREALABLE", "classé pour un autre programme"
            elif outcome == "liste_complementaire":
                until = prior.get("valid_until")
                if prior.get("commune") != convened.commune:
                    rule = "LC-VALIDITE"
                    problem = "liste complémentaire d'une autre commune"
                elif until is None or event.occurred_on > until:
                    rule = "LC-VALIDITE"
                    problem = "liste complémentaire expirée" + (
                        f" le {fr_day(until)}" if until else ""
                    )
            if rule:
                yield _finding(
                    rule,
                    f"CAL du {fr_day(event.occurred_on)}, logement "
                    f"{event.dwelling_ref} : dossier {x['dossier_id']} "
                    f"{problem}.",
                    event,
                )
            # Hole 1: the programme's path, on the dwelling facts the CAL read
            # (absent from decisions recorded before they were: not judged).
            path = programme_path_problem(x["decision"], prior, x.get("dwelling"))
            if path:
                yield _finding(
                    path[0],
                    f"CAL du {fr_day(event.occurred_on)}, logement "
                    f"{event.dwelling_ref} : dossier {x['dossier_id']} — "
                    f"{path[1]}",
                    event,
                )


_CHECKS: dict[str, tuple[HistoryCheck, ...]] = {
    PRE_COMMISSION: (_check_quorum,),
    COMMISSION_PREFECTORALE: (_check_presidency, _check_ranking),
    CAL: (_check_prior, _check_three, _check_decisions, _check_ranking),
}


def check_commission(
    events: Iterable[Any], settings_on: SettingsOn, as_of: date
) -> list[Finding]:
    """The breaches a commission's history shows at the end of `as_of`, ordered
    by day, rule id, then versions."""
    history = History.known(events, settings_on, as_of)
    if not history.events:
        return []
    checks = _CHECKS.get(history.events[0].kind, ())  # the Convened event's
    return in_order(f for check in checks for f in check(history))
