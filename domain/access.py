"""Who may see and do what (issue 7): the caller a request comes from, the
territory their credentials scope them to, and the need-to-know matrix
(DOMAIN.md §1, §9, §10) as data: for each role, each read surface, the scope
it reads in; the steps it may record, taken from the aggregates' STEP_ROLES
(one source: the matrix exposes them, it does not copy them); and the decisions
on a caller's read or write. What a role reads of a record's fields is
domain/categories.py; README's access table is generated from this matrix by
domain/access_markdown.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from domain import department
from domain.facts import Facts, commission_facts
from domain.places import commune_label, department_of
from domain.records import KINDS
from domain.shared import Actor, RoleNotAllowedError, role_label

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


@dataclass(frozen=True)
class Caller:
    """The person behind a request: who they are (their `Actor`, recorded on
    the events they write) and where they act. A Mairie or a CCAS acts for
    its commune, a Préfecture, a DEAL or a Département for its department;
    the others for their organisation, wherever its records are."""

    actor: Actor
    department: str | None = None
    commune: str | None = None

    @property
    def role(self) -> str:
        return self.actor.role

    @property
    def organisation(self) -> str:
        return self.actor.organisation

    @property
    def territory(self) -> tuple[str | None, str | None]:
        """(department, commune) claimed; a commune implies its department."""
        if self.department is None and self.commune is not None:
            return department_of(self.commune), self.commune
        return self.department, self.commune


class ForbiddenError(RoleNotAllowedError):
    """The caller's role or scope does not reach this record or view (403)."""

    code = "forbidden"


# ---- scopes ---------------------------------------------------------------------

Scope = Literal["all", "department", "commune", "organisation", "none"]
ALL: Scope = "all"  # everything, read-only (the auditor)
DEPT: Scope = "department"  # the records of the caller's department claim
COMMUNE: Scope = "commune"  # the records of the caller's commune claim
ORG: Scope = "organisation"  # the records naming the caller's organisation as party
NONE: Scope = "none"

# What the organisation scope means, per role: the parties a record names.
PARTIES = {
    "bailleur": "dossiers of its programmes (or of its CAL) once ranked by the "
    "commission préfectorale (stage classe, outcome rang or liste "
    "complémentaire, and every stage after); its programmes; its CALs; "
    "the minutes of the sessions it attended; "
    "for its CAL's decisions, the households proposed for its programme's "
    "dwellings; for writes only (it reads neither): the measures of its bail "
    "glissant, the referrals naming it",
    "association": "measures notified to it, or asked directly of it "
    "(association_name = its organisation); referrals whose enquiry "
    "was asked of it",
    "prescripteur": "measures it requested",
    "caf": "dossiers it identified",
}


# ---- the read surfaces ------------------------------------------------------------

RECORDS = tuple(k.name for k in KINDS)
# Read action → what it covers, in French (403 messages).
READ_ACTIONS: dict[str, str] = {
    **{k.name: k.covers for k in KINDS},
    "history": "l'historique des enregistrements",
    "audit": "la piste d'audit",
    "legality": "le contrôle de légalité",
    "minutes": "les procès-verbaux des commissions",
    "legality_report": "le rapport de légalité du département",
    "verify": "la vérification d'intégrité",
    "stage_counts": "le tableau de bord des étapes",
    "asll_dashboards": "la charge des associations ASLL",
    # A department's yearly counts (LLTS and ASLL): no household's data; read by
    # the PDALPD's co-pilots (Préfecture, Département), the DEAL, the ALS and
    # the CLU/CLT.
    "statistics": "les statistiques annuelles LLTS et ASLL",
    "follow_up": "le suivi des bilans d'installation et des accompagnements",
    "commune_listes": "les listes complémentaires des communes",
    "department_settings": "le paramétrage des départements",
    "projections": "l'état des projections",
    "access_log": "le journal des accès",
}
# What a kind of record is called in a refusal to write on it.
WRITE_SURFACES = {"department": "department_settings"}
# Record-bound surfaces: allowed when the surface's scope AND the record
# kind's scope both admit the record.
RECORD_SURFACES = ("history", "audit", "legality", "verify", "minutes")

_D, _C, _O, _A = DEPT, COMMUNE, ORG, ALL
_RECORDS_D = dict.fromkeys(RECORDS, _D)
# role → action → scope; an action not named is `none`. DOMAIN.md §9 read:
# "R" or "RW" in a category of the record opens it; "summary" gives the avis,
# not the enquiry (see CATEGORY_RIGHTS and `redact`).
READS: dict[str, dict[str, Scope]] = {
    "als": {**_RECORDS_D, "history": _D, "audit": _D, "legality": _D,
            "legality_report": _D, "minutes": _D, "stage_counts": _D,
            "asll_dashboards": _D, "follow_up": _D, "commune_listes": _D,
            "statistics": _D, "department_settings": _A},
    "bailleur": {"dossier": _O, "programme": _O, "commission": _O, "history": _O,
                 "minutes": _O, "department_settings": _A},
    "prefecture": {"dossier": _D, "saisine": _D, "programme": _D, "commission": _D,
                   "history": _D, "audit": _D, "legality": _D,
                   "legality_report": _D, "minutes": _D, "stage_counts": _D,
                   "follow_up": _D, "commune_listes": _D, "statistics": _D,
                   "department_settings": _A},
    "deal": {"dossier": _D, "programme": _D, "commission": _D, "history": _D,
             "audit": _D, "legality": _D, "legality_report": _D, "minutes": _D,
             "stage_counts": _D, "follow_up": _D, "commune_listes": _D,
             "statistics": _D, "department_settings": _A},
    "mairie": {"dossier": _C, "programme": _C, "commission": _C, "history": _C,
               "minutes": _C, "stage_counts": _C, "follow_up": _C,
               "commune_listes": _C, "department_settings": _A},
    "ccas": {"dossier": _C, "programme": _C, "commission": _C, "history": _C,
             "minutes": _C, "stage_counts": _C, "follow_up": _C,
             "commune_listes": _C, "department_settings": _A},
    "departement": {**_RECORDS_D, "history": _D, "minutes": _D, "stage_counts": _D,
                    "legality_report": _D, "asll_dashboards": _D,
                    "follow_up": _D, "commune_listes": _D, "statistics": _D,
                    "department_settings": _A},
    "caf": {"dossier": _O, "history": _O, "department_settings": _A},
    "prescripteur": {"mesure": _O, "history": _O, "department_settings": _A},
    "commission_logement": {**_RECORDS_D, "history": _D, "asll_dashboards": _D,
                            "follow_up": _D, "statistics": _D,
                            "department_settings": _A},
    "association": {"mesure": _O, "saisine": _O, "history": _O,
                    "department_settings": _A},
    "ccapex": {"mesure": _D, "saisine": _D, "history": _D, "department_settings": _A},
    "auditeur": dict.fromkeys(READ_ACTIONS, _A),
    "admin": {"department_settings": _A, "projections": _A},
}  # fmt: skip
READ_ONLY = frozenset({"auditeur"})  # refused every write (check_write)
# The territory a role acts in: its credentials must claim it, or it writes
# nothing (it reads nothing of that scope either); a record it creates sits there.
TERRITORY: dict[str, Scope] = {
    "als": DEPT, "prefecture": DEPT, "deal": DEPT, "departement": DEPT,
    "commission_logement": DEPT, "ccapex": DEPT, "mairie": COMMUNE, "ccas": COMMUNE,
}  # fmt: skip


def scope_of(role: str, action: str) -> Scope:
    return READS.get(role, {}).get(action, NONE)


# The department legality report (issue 14): the kinds of record whose findings
# a role reads in it. The Préfecture and the Département co-pilot the PDALPD:
# the Département reads the ASLL measures' legality, nothing of the LLTS
# procedure or the CCAPEX; the Préfecture, the DEAL, the ALS and the auditor
# read every kind. A role not named reads no report.
REPORT_KINDS: dict[str, tuple[str, ...]] = {
    "prefecture": RECORDS,
    "deal": RECORDS,
    "als": RECORDS,
    "auditeur": RECORDS,
    "departement": ("mesure",),
}


def report_kinds(role: str) -> tuple[str, ...]:
    if scope_of(role, "legality_report") == NONE:
        return ()
    return REPORT_KINDS.get(role, ())


# role → kind of record → the scope of its steps on an existing record (issue
# 13): what it reads of that kind or, where it reads none of it, the records
# naming it as a party (a landlord's bail glissant or referral). A kind not
# named: no step (`role_not_allowed`). Which steps, STEP_ROLES says (WRITES).
WRITE_SCOPES: dict[str, dict[str, Scope]] = {
    "als": {"dossier": _D, "programme": _D, "commission": _D},
    "bailleur": {"dossier": _O, "mesure": _O, "saisine": _O, "programme": _O,
                 "commission": _O},
    "prefecture": {"dossier": _D, "saisine": _D, "commission": _D},
    "deal": {"dossier": _D, "commission": _D},
    "mairie": {"dossier": _C},
    "ccas": {"dossier": _C},
    "departement": {"dossier": _D, "saisine": _D},
    "caf": {"dossier": _O},
    "commission_logement": {"mesure": _D},
    "association": {"mesure": _O, "saisine": _O},
    "ccapex": {"saisine": _D},
    "admin": {"department": _A},
}  # fmt: skip


def write_scope(role: str, kind: str) -> Scope:
    return WRITE_SCOPES.get(role, {}).get(kind, NONE)


# ---- writes, from the aggregates' own STEP_ROLES ------------------------------------

WRITES: dict[str, Mapping[str, frozenset[str]]] = {
    **{k.name: k.steps for k in KINDS},
    "department": {"adopt_settings": department.ADOPTERS},
}


def writable_steps(role: str) -> dict[str, list[str]]:
    """The steps `role` may record, per kind of record (DOMAIN.md §10)."""
    return {
        kind: [step for step, roles in steps.items() if role in roles]
        for kind, steps in WRITES.items()
    }


# ---- what a record is: where it sits, who its parties are ---------------------------


def minutes_facts(c: Any) -> Facts:
    """A session's procès-verbal also names the organisations that sat in it:
    a landlord that attended a commission préfectorale reads its minutes (the
    households it names, only as far as it reads their dossiers)."""
    facts = commission_facts(c)
    attended = {(a["role"], a["organisation"]) for a in c.attendees}
    return Facts(facts.department, facts.commune, facts.parties | attended)


def place_facts(department: str | None = None, commune: str | None = None) -> Facts:
    """A surface that is a place: a department, a commune."""
    if department is None and commune is not None:
        department = department_of(commune)
    return Facts(department, commune)


# ---- the decisions ------------------------------------------------------------------


THIS = {"department": "ce département", **{k.name: k.this for k in KINDS}}


# How a refusal words the scope: reading, or acting (writing).
_PHRASES = {
    "read": ("lit", "ne lit que", "ne lit que"),
    "write": ("agit dans", "n'agit que dans", "n'agit que sur"),
}


# How a refusal names the caller's territory, by scope: its own, the word for
# an accreditation that names none, and the territory it names.
_TERRITORIES: dict[Scope, tuple[str, str, Callable[[str], str]]] = {
    DEPT: ("son département", "aucun", lambda c: f"son département ({c})"),
    COMMUNE: ("sa commune", "aucune", lambda c: f"sa commune, {commune_label(c)}"),
}


def _admits(
    caller: Caller, scope: Scope, facts: Facts, this: str, how: str = "read"
) -> str | None:
    """None when `scope` admits the record, else why not (French): what the
    caller claims, never where the record sits nor what it is."""
    does, only, only_on = _PHRASES[how]
    department, commune = caller.territory
    who = f"Le rôle « {role_label(caller.role)} » ({caller.organisation})"
    if scope == ALL:
        return None
    if scope in _TERRITORIES:
        mine, none, named = _TERRITORIES[scope]
        own = department if scope == DEPT else commune
        theirs = facts.department if scope == DEPT else facts.commune
        if own is None:
            return f"{who} {does} {mine} : l'accréditation n'en précise {none}."
        if theirs != own:
            return f"{who} {only} {named(own)} : {this} n'en relève pas."
        return None
    if scope == ORG and (caller.role, caller.organisation) not in facts.parties:
        return f"{who} {only_on} ce qui concerne son organisation : pas {this}."
    return None


def denied(caller: Caller, action: str) -> str:
    who = f"Le rôle « {role_label(caller.role)} » ({caller.organisation})"
    return f"{who} ne peut pas lire {READ_ACTIONS[action]}."


def may_read(
    caller: Caller, action: str, facts: Facts | None = None, *, kind: str | None = None
) -> bool | str:
    """True, or why the caller may not read (French, for the 403). `action` is
    a record kind or a surface; for a record-bound surface (history, audit,
    legality, verify), `kind` is the record's, whose scope must admit it too."""
    facts = facts or Facts()
    record = kind or (action if action in RECORDS else None)
    this = THIS[record] if record else "cette demande"
    for checked in (action, kind) if kind else (action,):
        scope = scope_of(caller.role, checked)
        if scope == NONE:
            return denied(caller, checked)
        refused = _admits(caller, scope, facts, this)
        if refused is not None:
            return refused
    return True


def check_read(
    caller: Caller, action: str, facts: Facts | None = None, *, kind: str | None = None
) -> None:
    verdict = may_read(caller, action, facts, kind=kind)
    if verdict is not True:
        raise ForbiddenError(str(verdict))


def scope_filter(caller: Caller, action: str) -> dict[str, Any]:
    """What a list query must add for the caller: {} (everything),
    {"department": d}, {"commune": c} or {"party": (role, organisation)}.
    Raises ForbiddenError for a role with no access, or a territorial role
    whose credentials claim no territory."""
    scope = scope_of(caller.role, action)
    if scope == NONE:
        raise ForbiddenError(denied(caller, action))
    department, commune = caller.territory
    if scope in (DEPT, COMMUNE):  # a territory claimed
        refused = _admits(caller, scope, place_facts(department, commune), "")
        if refused is not None:
            raise ForbiddenError(refused)
    if scope == DEPT:
        return {"department": department}
    if scope == COMMUNE:
        return {"commune": commune}
    if scope == ORG:
        return {"party": (caller.role, caller.organisation)}
    return {}


def _who(caller: Caller) -> str:
    return f"Le rôle « {role_label(caller.role)} » ({caller.organisation})"


def check_write(caller: Caller, kind: str, facts: Facts) -> None:
    """May the caller record a step on this existing record (issue 13)? Asked
    before its version and its rules, so that a caller out of scope learns
    nothing of it but the refusal. A read-only role (the auditor), or one with
    no step on this kind of record: 403 `role_not_allowed`, as STEP_ROLES would
    say. A record outside the role's write scope (its territory claim, or the
    records naming its organisation), or no territory claimed: 403
    `forbidden`. Which step the role may record, the aggregate says."""
    if caller.role in READ_ONLY:  # also in no STEP_ROLES: the same refusal
        raise RoleNotAllowedError(f"{_who(caller)} lit tout et n'enregistre rien.")
    scope = write_scope(caller.role, kind)
    if scope == NONE:
        what = READ_ACTIONS[WRITE_SURFACES.get(kind, kind)]
        raise RoleNotAllowedError(f"{_who(caller)} n'enregistre rien sur {what}.")
    refused = _admits(caller, scope, facts, THIS[kind], "write")
    if refused is not None:
        raise ForbiddenError(refused)


def check_create(caller: Caller, department: str, commune: str | None) -> None:
    """A new record sits in `department` (and `commune`): a territorial role
    creates only in the territory its credentials claim, and nothing without a
    claim; the others wherever their organisation acts (a landlord, a CAF)."""
    if caller.role in READ_ONLY:
        raise RoleNotAllowedError(f"{_who(caller)} lit tout et n'enregistre rien.")
    territory = TERRITORY.get(caller.role)
    if territory is None:
        return
    place = place_facts(department, commune)
    refused = _admits(caller, territory, place, "cet enregistrement", "write")
    if refused is not None:
        raise ForbiddenError(refused)
