"""The LLTS dossier from the pré-commission to the answer to its offer (DOMAIN.md
§10): pré-sélection, classement by the commission préfectorale, the CAL's
decision or deferral, the condition suspensive, the offer and its answer
(CAL-PREALABLE, LC-VALIDITE, SNE-NUMERO, CAL-DECISION, CAL-MOTIF,
CAL-CONDITION, OFFRE-DELAI)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.dossier_guards import DossierGuards
from domain.dossier_rules import (
    ATTRIBUTIONS,
    answer_breach,
    answer_deadline_breach,
    condition_breach,
    decision_breach,
    deferral_breach,
    expiry_breach,
    fulfilment_breach,
    motive_breach,
    numero_breach,
)
from domain.dossier_steps import (
    CONDITION_MET,
    DECIDED,
    DEFERRED,
    OFFERED,
    OUTCOME_LABELS,
    PRESELECTED,
    PRESELECTION_OUTCOMES,
    RANKED,
    RANKING_OUTCOMES,
    SOLVENCY,
    STAGE_LABELS,
)
from domain.shared import (
    Meta,
    RuleViolation,
    TransitionError,
    add_months,
    fr_day,
    refuse,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.department_settings import DepartmentSettings
    from domain.dossier import Dossier


# The answers to an offer (Dossier.OfferAnswered.ANSWER): each one's step, its
# label and what it does, for people.
_ANSWERS = {
    "acceptee": (
        "accept_offer",
        "acceptation de la proposition",
        "accepter la proposition",
    ),
    "refusee": ("refuse_offer", "refus de la proposition", "refuser la proposition"),
    "caduque": ("lapse_offer", "proposition caduque", "constater la caducité"),
}


class DossierAttribution(DossierGuards):
    """The commissions' steps on a dossier, the offer and its answer."""

    def preselect(
        self,
        commission_id: UUID,
        programme_id: UUID | None,
        outcome: str,
        meta: Meta,
    ) -> None:
        """By its pré-commission only (Commission.preselect, record_on_dossiers)."""
        self._begin("preselect", "pré-sélection", meta)
        self._check_chain(SOLVENCY, "la pré-sélection")
        if programme_id and self.programme_id and programme_id != self.programme_id:
            msg = "Le dossier est rassemblé pour un autre programme."
            raise TransitionError(msg, "wrong_programme")
        if outcome not in PRESELECTION_OUTCOMES:
            outcomes = ", ".join(PRESELECTION_OUTCOMES)
            msg = f"Issue de pré-commission inconnue : {outcomes}."
            raise TransitionError(msg, "invalid_outcome")
        self._record(
            self.PreSelected, meta, commission_id=commission_id, outcome=outcome
        )

    def rank(
        self,
        commission_id: UUID,
        outcome: str,
        rank: int | None,
        motive: str | None,
        settings: DepartmentSettings,
        meta: Meta,
    ) -> None:
        self._begin("rank", "classement", meta)
        self._check_stage({PRESELECTED}, "classer le dossier")
        if self.preselection == "ecarte":
            msg = "Un dossier écarté en pré-commission ne peut être classé."
            raise TransitionError(msg)
        if (
            outcome not in RANKING_OUTCOMES
            or (outcome == "rang") != (rank is not None)
            or (rank is not None and rank < 1)
        ):
            msg = "Classement : un rang (≥ 1), la liste complémentaire ou non retenu."
            raise TransitionError(msg, "invalid_outcome")
        valid_until = None
        if outcome == "liste_complementaire":
            months = settings.liste_complementaire_validity_months
            valid_until = add_months(meta.occurred_on, months)
        self._record(
            self.Ranked,
            meta,
            commission_id=commission_id,
            outcome=outcome,
            rank=rank,
            list_valid_until=valid_until,
            motive=motive,
        )

    def decide(
        self,
        *,
        commission_id: UUID,
        landlord: str | None = None,
        decision: str,
        dwelling_ref: str | None,
        rank: int | None,
        missing_document: str | None,
        condition_deadline: date | None,
        motive: str | None,
        meta: Meta,
    ) -> None:
        self._begin("decide", "décision de la CAL", meta)
        self._check_examinable(meta)
        refuse(decision_breach(decision, dwelling_ref, rank))
        refuse(
            condition_breach(
                decision, missing_document, condition_deadline, meta.occurred_on
            )
        )
        refuse(motive_breach(decision, motive))
        self._record(
            self.CALDecided,
            meta,
            commission_id=commission_id,
            landlord=landlord,
            decision=decision,
            dwelling_ref=dwelling_ref,
            rank=rank,
            missing_document=missing_document,
            condition_deadline=condition_deadline,
            motive=motive,
        )

    def defer(
        self, commission_id: UUID, motive: str, return_session_on: date, meta: Meta
    ) -> None:
        self._begin("defer", "ajournement par la CAL", meta)
        self._check_examinable(meta)
        refuse(deferral_breach(motive, return_session_on, meta.occurred_on))
        self._record(
            self.Deferred,
            meta,
            commission_id=commission_id,
            motive=motive,
            return_session_on=return_session_on,
        )

    def fulfil_condition(self, meta: Meta) -> None:
        self._begin("fulfil_condition", "levée de la condition suspensive", meta)
        self._check_stage({DECIDED}, "lever une condition suspensive")
        decision = self.cal_decision or {}
        if decision.get("decision") != "attribution_sous_condition_suspensive":
            msg = "La décision de la CAL ne porte pas de condition suspensive."
            raise TransitionError(msg)
        refuse(fulfilment_breach(decision["condition_deadline"], meta.occurred_on))
        self._record(
            self.ConditionFulfilled, meta, document=decision["missing_document"]
        )

    def offer(
        self, answer_deadline: date, meta: Meta, ranked_ahead: Sequence[Dossier] = ()
    ) -> None:
        """`ranked_ahead`: under an attribution par classement, the households
        the CAL ranked before this one for the same dwelling."""
        self._begin("offer", "proposition de logement", meta)
        self._check_stage({DECIDED, CONDITION_MET}, "proposer un logement")
        decision = self.cal_decision or {}
        if decision.get("decision") not in ATTRIBUTIONS:
            msg = "Seule une décision d'attribution ouvre une proposition."
            raise TransitionError(msg)
        waiting = [other for other in ranked_ahead if not other.declined_offer]
        if decision["decision"] == "attribution_par_classement" and (
            waiting or len(ranked_ahead) < (decision["rank"] or 1) - 1
        ):
            msg = (
                f"Rang {decision['rank']} : le logement n'est proposé qu'après le "
                "refus ou la caducité de la proposition faite au rang précédent."
            )
            raise RuleViolation("OFFRE-DELAI", msg)
        if (
            decision["decision"] == "attribution_sous_condition_suspensive"
            and self.stage != CONDITION_MET
        ):
            msg = "La condition suspensive n'est pas levée."
            raise RuleViolation("CAL-CONDITION", msg)
        refuse(answer_deadline_breach(meta.occurred_on, answer_deadline))
        self._record(
            self.Offered,
            meta,
            dwelling_ref=decision["dwelling_ref"],
            answer_deadline=answer_deadline,
        )

    def accept_offer(self, meta: Meta) -> None:
        self._answer_offer(self.OfferAccepted, meta)

    def refuse_offer(self, motive: str | None, meta: Meta) -> None:
        self._answer_offer(self.OfferRefused, meta, motive=motive)

    def lapse_offer(self, meta: Meta) -> None:
        self._answer_offer(self.OfferLapsed, meta)

    def _answer_offer(self, answered: Any, meta: Meta, **fields: Any) -> None:
        """OFFRE-DELAI: the household's answer, in time, or the offer's lapse."""
        step, label, what = _ANSWERS[answered.ANSWER]
        self._begin(step, label, meta)
        self._check_stage({OFFERED}, what)
        deadline = self.proposal["answer_deadline"]
        refuse(answer_breach(answered.ANSWER, meta.occurred_on, deadline))
        self._record(answered, meta, **fields)

    def _check_examinable(self, meta: Meta) -> None:
        """CAL-PREALABLE, LC-VALIDITE, SNE-NUMERO: may the CAL examine it?"""
        outcome = (self.ranking or {}).get("outcome")
        examinable = self.stage in (RANKED, DEFERRED) or (
            self.listed_after_non_attribution
        )
        if not examinable or outcome == "non_retenu":
            raise RuleViolation("CAL-PREALABLE", self._not_examinable(outcome))
        until = self.list_valid_until
        if outcome == "liste_complementaire" and until and meta.occurred_on > until:
            msg = f"La liste complémentaire a expiré le {fr_day(until)}."
            raise RuleViolation("LC-VALIDITE", msg)
        on, valid_from = meta.occurred_on, self.sne_valid_from
        refuse(numero_breach(self.numero_unique, valid_from))
        if expiry_breach(valid_from, on):
            # The command's reading: an expired numéro is not a valid one
            # (SNE-NUMERO, its API code); the engine finds it as SNE-VALIDITE.
            msg = "Pas d'examen en CAL sans numéro unique valide."
            raise RuleViolation("SNE-NUMERO", msg)

    def _not_examinable(self, outcome: str | None) -> str:
        decision = (self.cal_decision or {}).get("decision")
        return _not_examinable_message(self.stage, outcome, decision)


def _not_examinable_message(
    stage: str, outcome: str | None, decision: str | None
) -> str:
    """Why the CAL may not examine a dossier, as it stands (not a blanket "not
    ranked or listed" for a dossier that is)."""
    if outcome == "non_retenu":
        return "La commission préfectorale n'a pas retenu ce dossier."
    if stage == DECIDED:
        decided = OUTCOME_LABELS.get(decision or "", decision)
        return (
            f"Une CAL a déjà décidé sur ce dossier ({decided}) : seule une "
            "non-attribution laisse un ménage de la liste complémentaire "
            "disponible pour d'autres logements."
        )
    if outcome is None:
        return (
            "La CAL ne statue que sur les dossiers classés ou inscrits en liste "
            "complémentaire par la commission préfectorale."
        )
    return (
        f"Le dossier, à l'étape « {STAGE_LABELS[stage]} », n'attend pas de "
        "décision de CAL."
    )
