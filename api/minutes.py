"""A commission's procès-verbal (issue 14): the session, its attendance and
presidency, what it decided on each dossier (pré-sélection, ranked list with
the RDA criteria and motives, liste complémentaire and its last day, the CAL's
decisions per dwelling), what became of those dossiers since, the legality
findings on the session, and its closing. Read from the commission's own
history and its dossiers' (no read model: the minutes never lag), shared by
`GET /v1/commissions/{id}/minutes` and `logis commissions minutes`.

A household is named, and its motive and follow-up shown, only to a reader
who may read its dossier and whose role reads identities (DOMAIN.md §9, Id)
and decisions (Dec); to the others the minutes give the dossier's id."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from api.documents import moment, render_html
from commands.legality import check_record
from domain import access
from domain import commission as c
from domain import dossier as d
from domain.commission import Commission
from domain.legality import RULES_BY_ID
from domain.programme import Programme

if TYPE_CHECKING:
    from commands.application import Logis
    from domain.access import Caller
    from domain.dossier import Dossier

KIND_TITLES = {
    c.PRE_COMMISSION: "Pré-commission",
    c.COMMISSION_PREFECTORALE: "Commission préfectorale",
    c.CAL: "Commission d'attribution des logements (CAL)",
}
FUNCTIONS = {
    "prefet": "préfet",
    "sous_prefet": "sous-préfet",
    "representant_du_prefet": "représentant du préfet",
    "directeur_deal": "directeur de la DEAL",
    "president_cal": "président de la CAL",
}
OUTCOMES = {
    "prioritaire": "prioritaire",
    "liste_complementaire": "liste complémentaire",
    "ecarte": "écarté",
    "rang": "classé",
    "non_retenu": "non retenu",
    "attribution": "attribution",
    "attribution_par_classement": "attribution par classement",
    "attribution_sous_condition_suspensive": "attribution sous condition suspensive",
    "non_attribution": "non-attribution",
    "rejet_irrecevabilite": "rejet pour irrecevabilité",
    c.ADJOURNMENT: "ajournement",
}
EXCEPTIONS = {
    "dalo": "ménage DALO désigné par le préfet",
    "candidats_insuffisants": "candidats insuffisants",
}
ANSWERS = {
    None: "en attente de réponse",
    "acceptee": "acceptée",
    "refusee": "refusée par le ménage",
    "caduque": "caduque (sans réponse)",
}
# A dossier's stage, in words: the label of the step that leads to it.
STAGE_LABELS = {
    event.STAGE: label
    for event, label in d.EVENT_LABELS.items()
    if getattr(event, "STAGE", None)
}
WITHHELD = "non communiqué"


@dataclass(frozen=True)
class Household:
    """A dossier as the minutes show it to one reader."""

    dossier_id: UUID
    name: str | None  # None: not named to this reader
    dossier: Dossier | None = field(repr=False)  # None: not readable

    @property
    def named(self) -> bool:
        return self.name is not None

    @property
    def label(self) -> str:
        return self.name if self.name is not None else f"Dossier {self.dossier_id}"


@dataclass(frozen=True)
class Line:
    """One dossier in a section of the minutes."""

    household: Household
    place: int | None  # rank, place on the list, or order examined
    outcome: str  # in words
    criteria: list[str]
    motive: str | None  # None: none recorded; WITHHELD: not for this reader
    details: list[str]  # condition, return session, prior ranking, passed over…


@dataclass(frozen=True)
class DwellingMinutes:
    ref: str
    examined: bool
    exception: str | None
    exception_motive: str | None
    lines: list[Line]


@dataclass(frozen=True)
class FollowUp:
    household: Household
    stage: str
    cal: str | None
    offer: str | None
    lease: str | None


@dataclass(frozen=True)
class FindingLine:
    rule: str
    title: str
    severity: str
    breached_on: date
    message: str


@dataclass(frozen=True)
class Minutes:
    commission: Commission
    programme: Programme | None
    attendees: list[dict[str, str]]
    presided_by: dict[str, str] | None
    quorum: str | None  # the rule this kind of session sits under, and whether met
    preselection: list[Line]
    ranked: list[Line]
    liste_complementaire: list[Line]
    list_valid_until: date | None
    non_retenus: list[Line]
    dwellings: list[DwellingMinutes]
    follow_up: list[FollowUp]
    findings: list[FindingLine]
    findings_as_of: date
    closed_on: date | None
    summary: str | None
    withheld: int  # households not named to this reader

    @property
    def named(self) -> list[UUID]:
        """The dossiers whose personal data these minutes show (access log)."""
        seen: dict[UUID, None] = {}
        for line in (
            *self.preselection,
            *self.ranked,
            *self.liste_complementaire,
            *self.non_retenus,
            *(line for dwelling in self.dwellings for line in dwelling.lines),
        ):
            if line.household.named:
                seen.setdefault(line.household.dossier_id)
        return list(seen)


class _Readers:
    """Who may see what of each dossier: all of it for `None` (the operator's
    CLI), else the matrix and the §9 categories of the caller's role."""

    def __init__(self, app: Logis, caller: Caller | None) -> None:
        self.app = app
        self.caller = caller
        self.households: dict[UUID, Household] = {}
        self.landlords: dict[UUID, str | None] = {}

    def reads(self, category: str) -> bool:
        return self.caller is None or access.reads_category(self.caller.role, category)

    def household(self, dossier_id: UUID) -> Household:
        if dossier_id not in self.households:
            self.households[dossier_id] = self._household(dossier_id)
        return self.households[dossier_id]

    def _household(self, dossier_id: UUID) -> Household:
        dossier = self.app.get_dossier(dossier_id)
        if self.caller is not None:
            facts = self.app.record_facts(
                "dossier", dossier, self.caller, self.landlords
            )
            if access.may_read(self.caller, "dossier", facts) is not True:
                return Household(dossier_id, None, None)
        name = dossier.applicant_name if self.reads("Id") else None
        return Household(dossier_id, name, dossier)

    def motive(self, household: Household, motive: str | None) -> str | None:
        if not (motive or "").strip():
            return None
        if household.dossier is None or not self.reads("Dec"):
            return WITHHELD
        return motive


def build_minutes(
    app: Logis, commission_id: UUID, caller: Caller | None, now: datetime
) -> Minutes:
    """The minutes as they stand at `now`, for `caller` (None: everything)."""
    commission = app.get_commission(commission_id)
    readers = _Readers(app, caller)
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


def _cal_line(readers: _Readers, decision: dict[str, Any], place: int) -> Line:
    household = readers.household(decision["dossier_id"])
    details = []
    if decision.get("rank") is not None:
        details.append(f"rang d'attribution {decision['rank']}")
    if decision.get("missing_document"):
        deadline = decision.get("condition_deadline")
        until = f" avant le {deadline:%d/%m/%Y}" if deadline else ""
        details.append(f"pièce manquante : {decision['missing_document']}{until}")
    if decision.get("return_session_on"):
        details.append(f"revient en séance le {decision['return_session_on']:%d/%m/%Y}")
    if decision.get("dalo_designated"):
        details.append("ménage DALO désigné par le préfet")
    prior = decision.get("prior") or {}
    if prior.get("outcome") == "rang":
        details.append(f"classé n° {prior.get('rank')} par la commission préfectorale")
    elif prior.get("outcome") == "liste_complementaire":
        until = prior.get("valid_until")
        details.append(
            f"n° {prior.get('rank')} de la liste complémentaire"
            + (f" (valable jusqu'au {until:%d/%m/%Y})" if until else "")
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
            f"{decision['decided_on']:%d/%m/%Y}"
        )
    deferral = dossier.deferral or {}
    if cal is None and deferral and deferral.get("commission_id") != commission.id:
        back = deferral.get("return_session_on")
        cal = "ajournement" + (
            f", revient en séance le {back:%d/%m/%Y}" if back else ""
        )
    offer = None
    if dossier.proposal:
        proposal = dossier.proposal
        answer = proposal.get("answer")
        offer = (
            f"{proposal['dwelling_ref']} proposé le "
            f"{proposal['offered_on']:%d/%m/%Y} : {ANSWERS.get(answer, answer)}"
        )
    lease = None
    if dossier.lease:
        lease = (
            f"{dossier.lease['dwelling_ref']}, bail au "
            f"{dossier.lease['lease_start']:%d/%m/%Y}"
        )
    return FollowUp(
        household,
        STAGE_LABELS.get(dossier.stage, dossier.stage),
        cal,
        offer,
        lease,
    )


# ---- the printable page (api/templates/minutes.html) --------------------------------


def minutes_html(minutes: Minutes, now: datetime) -> str:
    s = minutes.commission
    kind = KIND_TITLES[s.kind]
    provisional = minutes.closed_on is None
    place = f"commune {s.commune}, département {s.department}"
    facts = [
        ("Commission", kind),
        ("Séance du", f"{s.held_on:%d/%m/%Y}"),
        ("Lieu", place),
    ]
    if minutes.programme is not None:
        p = minutes.programme
        facts.append(("Programme", f"{p.landlord} — {p.commune} ({p.id})"))
    if s.landlord:
        facts.append(("Bailleur", s.landlord))
    if s.dwelling_refs:
        facts.append(("Logements examinés", ", ".join(s.dwelling_refs)))
    facts.append(
        (
            "Procès-verbal",
            "provisoire (non clos)"
            if provisional
            else f"clos le {minutes.closed_on:%d/%m/%Y}",
        )
    )
    facts.append(("Identifiant", str(s.id)))
    facts.append(("Édité le", moment(now, s.department)))
    title = f"Procès-verbal — {kind} du {s.held_on:%d/%m/%Y}"
    return render_html(
        "minutes.html",
        title=title,
        heading=f"Procès-verbal de séance — {kind}",
        short_title=f"procès-verbal du {s.held_on:%d/%m/%Y}"
        + (" (provisoire)" if provisional else ""),
        facts=facts,
        minutes=minutes,
        provisional=provisional,
        functions=FUNCTIONS,
        generated_at=now,
    )
