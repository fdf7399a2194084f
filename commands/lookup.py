"""What commands read besides their own aggregate, and the other aggregates they
change, through the application (commands/application.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING
from uuid import UUID

from domain.access import check_read
from domain.association import AssociationLoad, association_load_id
from domain.commission_steps import COMMISSION_PREFECTORALE
from domain.commission_values import DwellingFacts, PriorRanking
from domain.commune import CommuneListes
from domain.dossier import Dossier
from domain.dossier_rules import ATTRIBUTIONS
from domain.dossier_steps import TERMINAL
from domain.dwellings import CommuneDwellings, commune_dwellings_id
from domain.facts import programme_facts
from domain.liste import ListedCandidate, next_candidates
from domain.programme import LET, TO_LET

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date

    from commands.application import Logis
    from domain.access import Caller
    from domain.commission import Commission
    from domain.department_settings import DepartmentSettings
    from domain.mesure import Mesure
    from domain.programme import Programme
    from domain.shared import Meta


def _holds(dossier: Dossier, commission_id: UUID) -> bool:
    """The household still holds the dwelling that CAL attributed it: neither
    declined nor withdrawn, nor decided on since by another CAL."""
    decision = dossier.cal_decision or {}
    return (
        decision.get("commission_id") == commission_id
        and not dossier.declined_offer
        and dossier.stage not in TERMINAL
    )


class Lookup:
    """What commands read besides their own aggregate, on the command's day:
    the department's rules, the records they name (dossiers each loaded
    once), what the commission préfectorale decided on a dossier, a vacancy's
    next candidates; and the other aggregates a command changes (an
    association's load, a commune's registers, a programme's dwelling)."""

    def __init__(
        self,
        app: Logis,
        department: str,
        day: date | None,
        dossiers: Dossiers | None = None,
        caller: Caller | None = None,
    ) -> None:
        self._app = app
        self._department = department
        self.day = day  # None until the command's date is checked
        self._caller = caller
        self._rules: tuple[int, DepartmentSettings] | None = None
        self.dossiers = dossiers if dossiers is not None else Dossiers(app)

    def rules(self) -> tuple[int, DepartmentSettings]:
        if self._rules is None:
            assert self.day is not None
            self._rules = self._app.department_settings(self._department, self.day)
        return self._rules

    def programme(self, programme_id: UUID) -> Programme:
        return self._app.get_programme(programme_id)

    def readable_programme(self, programme_id: UUID) -> Programme:
        programme = self._app.get_programme(programme_id)
        assert self._caller is not None
        check_read(self._caller, "programme", programme_facts(programme))
        return programme

    def association_load(self, association: str, meta: Meta) -> AssociationLoad:
        load = self._app._find(association_load_id(self._department, association))
        if isinstance(load, AssociationLoad):
            return load
        return AssociationLoad.open(self._department, association, meta)

    def dwellings_register(self, commune: str, meta: Meta) -> CommuneDwellings:
        register = self._app._find(commune_dwellings_id(commune))
        if isinstance(register, CommuneDwellings):
            return register
        return CommuneDwellings.open(commune, meta)

    def check_outside_programmes(
        self, commission: Commission, refs: Sequence[str]
    ) -> None:
        register = self._app._find(commune_dwellings_id(commission.commune))
        if isinstance(register, CommuneDwellings):
            register.check_outside_programmes(refs, commission.landlord or "")

    def register_liste(
        self, commission: Commission, meta: Meta
    ) -> CommuneListes | None:
        liste = commission.liste_complementaire
        if liste is None:
            return None
        register = self._app.commune_listes(commission.commune)
        if register is None:
            register = CommuneListes.open(commission.commune, meta)
        register.register(liste, meta)
        return register

    def attribute_dwelling(
        self, commission: Commission, event: Commission.CALDecisionsTaken, meta: Meta
    ) -> Programme | None:
        """LOGEMENT-UNIQUE: an attribution by a programme's CAL takes the dwelling
        on the programme, saved with the decision, so that of two decisions on
        one dwelling (or a decision and its lease) the store keeps one."""
        attributed = [
            decision["dossier_id"]
            for decision in sorted(event.decisions, key=lambda x: x["rank"] or 0)
            if decision["decision"] in ATTRIBUTIONS
        ]
        if not attributed:
            return None
        if commission.programme_id is None:  # registered since it was convened?
            self.check_outside_programmes(commission, [event.dwelling_ref])
            return None
        programme = self._app.get_programme(commission.programme_id)
        held = programme.dwellings.get(event.dwelling_ref, {}).get("attribution")
        in_the_running = [
            dossier_id
            for dossier_id in (held or {}).get("dossier_ids", ())
            if _holds(self.dossiers[dossier_id], held["commission_id"])
        ]
        programme.attribute_dwelling(
            event.dwelling_ref, commission.id, attributed, in_the_running, meta
        )
        return programme

    def prior_ranking(self, dossier_id: UUID) -> PriorRanking:
        dossier = self.dossiers[dossier_id]
        ranking = dossier.ranking or {}
        if not ranking.get("commission_id"):
            return PriorRanking(None, dossier.commune, None)
        ranked_by = self._app.get_commission(ranking["commission_id"])
        if ranked_by.kind != COMMISSION_PREFECTORALE:  # pragma: no cover
            return PriorRanking(None, dossier.commune, None)
        prior = ranked_by.prior_ranking(dossier_id)
        preselected_by = getattr(dossier, "preselected_by", None)
        if preselected_by is None:
            return prior
        pre_commission = self._app.get_commission(preselected_by)
        return replace(prior, preselected_for=pre_commission.programme_id)

    def dalo_recognised(self, dossier_id: UUID) -> bool:
        """CAL-TROIS: the DALO recognition the dossier records (proposed by the
        Préfecture under DALO), not the CAL's claim."""
        return bool(self.dossiers[dossier_id].dalo)

    def dwelling(self, commission: Commission, ref: str) -> DwellingFacts | None:
        if commission.programme_id is None:
            return None
        programme = self._app.get_programme(commission.programme_id)
        status = programme.dwellings.get(ref, {}).get("status")
        return DwellingFacts(
            programme_id=programme.id,
            new_delivery=programme.kind == "livraison" and status == TO_LET,
            concerted=programme.concertation is not None,
        )

    def mesure(self, mesure_id: UUID) -> Mesure:
        return self._app.get_mesure(mesure_id)

    def ranked_ahead(self, dossier: Dossier) -> list[Dossier]:
        decision = dossier.cal_decision or {}
        if decision.get("decision") != "attribution_par_classement":
            return []
        cal = self._app.get_commission(decision["commission_id"])
        return [
            self.dossiers[other["dossier_id"]]
            for examination in cal.examinations
            if examination["dwelling_ref"] == decision["dwelling_ref"]
            for other in examination["decisions"]
            if other["decision"] == "attribution_par_classement"
            and other["rank"] < decision["rank"]
        ]

    def _refused_for(self, dossier: Dossier, programme: Programme, ref: str) -> bool:
        """A listed household a CAL did not attribute this very dwelling: still a
        candidate for the commune's others (LC-VALIDITE), not for this one."""
        if not dossier.listed_after_non_attribution:
            return False
        cal = self._app.get_commission(dossier.cal_decision["commission_id"])
        return cal.programme_id == programme.id and any(
            examination["dwelling_ref"] == ref
            and any(x["dossier_id"] == dossier.id for x in examination["decisions"])
            for examination in cal.examinations
        )

    def candidates(self, programme: Programme, ref: str) -> list[ListedCandidate]:
        """The next households of the commune's valid listes complémentaires,
        leaving out those already examined by a CAL or out of the procedure, and
        those proposed for another dwelling of the programme still to let."""
        register = self._app.commune_listes(programme.commune)
        if register is None:
            return []
        proposed = {
            candidate["dossier_id"]
            for other, dwelling in programme.dwellings.items()
            if other != ref and dwelling["status"] != LET
            for candidate in dwelling["candidates"]
        }
        listed = {i for liste in register.listes for i in liste.dossier_ids}
        self.dossiers.preload(listed - proposed)
        waiting = {
            i
            for i in listed - proposed
            if self.dossiers[i].awaits_a_dwelling
            and not self._refused_for(self.dossiers[i], programme, ref)
        }
        concertation = programme.concertation or {}
        count = concertation.get("dossiers_per_dwelling") or (
            self.rules()[1].dossiers_per_dwelling
        )
        return next_candidates(
            register.listes,
            programme.commune,
            self.day,
            count,
            exclude=listed - waiting,
        )


class Dossiers(dict[UUID, Dossier]):
    """Dossiers loaded on first use: a decision names them by id."""

    def __init__(self, app: Logis) -> None:
        super().__init__()
        self._app = app

    def preload(self, dossier_ids: Iterable[UUID]) -> None:
        """Those not loaded yet, loaded together (one read where the store
        can); an unknown one is left for `__missing__` to refuse in turn."""
        missing = [i for i in dossier_ids if i not in self]
        for dossier_id, found in self._app.find_many(missing).items():
            if isinstance(found, Dossier):
                self[dossier_id] = found

    def __missing__(self, dossier_id: UUID) -> Dossier:
        dossier = self._app.get_dossier(dossier_id)
        self[dossier_id] = dossier
        return dossier
