"""The catalogue of DOMAIN.md §8 rules the legality engine reports on: one
entry per rule id, its French title, legal source and severity (bloquant: the
procedure is not legal as recorded; alerte: a deadline or good practice missed,
to be explained). Declarative data; the checks are in the sibling modules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Severity = Literal["bloquant", "alerte"]
When = Literal["cmd", "hist", "cmd + hist"]
# Where the code enforces a rule: "both" a command refuses it (RuleViolation)
# and the engine finds it in a history (an imported one, or judged by older
# settings), through the same check where the rule reads values
# (domain/dossier_rules.py); "found" only in a history (a deadline passed: no
# command can refuse it); "refused" only by a command (no history can show
# it). tests/unit/test_rules_enforced.py holds it exact.
Enforced = Literal["both", "refused", "found"]


@dataclass(frozen=True)
class Rule:
    """A DOMAIN.md §8 rule: stable id, French title, legal source."""

    id: str
    title: str
    source: str
    severity: Severity
    # The kinds of record whose history the engine reads for it: dossier,
    # commission, programme, mesure, saisine.
    applies_to: tuple[str, ...] = ()
    when: When = "hist"  # DOMAIN.md §8: cmd, hist, or both
    # Why the recorded history cannot show it; None: the engine checks it.
    not_checkable: str | None = None
    enforced: Enforced = "both"

    @property
    def checked(self) -> bool:
        return self.not_checkable is None


DOSSIER, COMMISSION, PROGRAMME = "dossier", "commission", "programme"
MESURE, SAISINE = "mesure", "saisine"

# The LLTS rules (dossier, commission, programme). ASLL measures, baux glissants
# and CCAPEX referrals have theirs in domain/legality/catalogue_support.py;
# domain/legality/rules.py puts them after the LLTS block.
LLTS_RULES: tuple[Rule, ...] = (
    Rule(
        "SNE-NUMERO",
        "Pas d'examen en CAL ni d'attribution sans numéro unique valide",
        "CCH L441-2-1",
        "bloquant",
        (DOSSIER,),
        "cmd",
    ),
    Rule(
        "SNE-VALIDITE",
        "Demande valable un an, renouvelée avant échéance, sinon radiée",
        "CCH R441-2-7, R441-2-8",
        "bloquant",
        (DOSSIER,),
    ),
    Rule(
        "CONC-QUOTA",
        "La concertation fixe le nombre de dossiers (3 par logement par défaut) "
        "et le profil des candidats, partenaires invités",
        "seed 000",
        "alerte",
        (PROGRAMME,),
        "cmd",
    ),
    Rule(
        "DOS-ORDRE",
        "Repérage, enquête sociale, avis de la Mairie, dossier complet, DEAL, "
        "analyse ALS, dans cet ordre",
        "seed 000",
        "bloquant",
        (DOSSIER,),
        "cmd",
    ),
    Rule(
        "DOS-AVIS",
        "L'avis de l'enquête sociale est prioritaire, favorable, défavorable ou "
        "non prioritaire",
        "seed 000",
        "bloquant",
        (DOSSIER,),
        "cmd",
    ),
    Rule(
        "DOS-COMPLET",
        "Seul un dossier complet va à la DEAL et à l'ALS",
        "seed 000",
        "bloquant",
        (DOSSIER,),
        "cmd",
    ),
    Rule(
        "DOS-ORIGINE",
        "L'acteur qui propose le dossier est enregistré ; depuis le DALO, la "
        "Préfecture peut proposer",
        "seed 000 ; loi 2007-290",
        "bloquant",
        (DOSSIER,),
        "cmd",
    ),
    Rule(
        "DOS-RETRAIT",
        "Le retrait est l'acte du ménage, enregistré avec sa date et sa forme "
        "par un partenaire qui agit pour lui ; le refus d'un bailleur est une "
        "décision motivée de sa CAL",
        "CCH L441-2-2 ; seed 000",
        "bloquant",
        (DOSSIER,),
        "cmd + hist",
    ),
    Rule(
        "DOS-IRRECEVABILITE",
        "L'irrecevabilité est décidée par la CAL (rejet pour irrecevabilité) ou "
        "suit le contrôle des ressources par la DEAL ; l'ALS la propose sans "
        "l'enregistrer",
        "CCH R441-3 ; seed 000",
        "bloquant",
        (DOSSIER,),
        "cmd + hist",
    ),
    Rule(
        "DEAL-PLAFOND",
        "Ressources au plus égales au plafond LLTS/PLAI de la catégorie du ménage "
        "et de l'année",
        "arrêté du 14/03/2011 et arrêtés annuels",
        "bloquant",
        (DOSSIER,),
        "cmd",
    ),
    Rule(
        "ALS-SOLVA",
        "L'étude de solvabilité conserve ses données : taux d'effort = (loyer + "
        "charges − APL/AL) ÷ ressources, reste à vivre",
        "CCH R441-3-1 ; seed 000",
        "bloquant",
        (DOSSIER,),
        "cmd",
    ),
    Rule(
        "ALS-CONTACT",
        "Aucun contact de l'ALS avec les demandeurs pendant l'analyse : les "
        "pièces se demandent par le CCAS ou le partenaire",
        "seed 000",
        "alerte",
        (DOSSIER,),
        "cmd",
    ),
    Rule(
        "PRECOM-QUORUM",
        "La pré-commission ne décide qu'en présence de la Préfecture et de la DEAL",
        "seed 000",
        "bloquant",
        (COMMISSION,),
        "cmd",
    ),
    Rule(
        "COMPREF-PRESIDENCE",
        "La commission préfectorale est présidée par le préfet, un sous-préfet ou "
        "leur représentant, la DEAL présente",
        "seed 000",
        "bloquant",
        (COMMISSION,),
        "cmd",
    ),
    Rule(
        "COMPREF-RANG",
        "Le classement suit l'ordre de priorité du RDA ; tout écart est motivé",
        "seed 000",
        "bloquant",
        (COMMISSION,),
        "cmd",
    ),
    Rule(
        "LC-VALIDITE",
        "La liste complémentaire expire six mois après la commission et ne sert "
        "que les vacances LLTS de la commune",
        "seed 000",
        "bloquant",
        (DOSSIER, COMMISSION),
        "cmd + hist",
    ),
    Rule(
        "CAL-PREALABLE",
        "La CAL ne statue que sur les dossiers classés ou inscrits en liste "
        "complémentaire par la commission préfectorale",
        "seed 000",
        "bloquant",
        (DOSSIER, COMMISSION),
        "cmd",
    ),
    Rule(
        "CAL-TROIS",
        "La CAL examine au moins trois candidats par logement, sauf candidats "
        "insuffisants (motivé) ou ménage DALO désigné par le préfet",
        "CCH R441-3 ; L441-2-3 II",
        "bloquant",
        (COMMISSION,),
        "cmd",
    ),
    Rule(
        "CAL-DECISION",
        "La CAL attribue, attribue par classement, attribue sous condition "
        "suspensive, n'attribue pas ou rejette ; l'ajournement est motivé et daté",
        "CCH R441-3 (décret 2017-834) ; seed 000",
        "bloquant",
        (DOSSIER, COMMISSION),
        "cmd",
    ),
    Rule(
        "LOGEMENT-UNIQUE",
        "Un logement est attribué puis loué à un seul ménage à la fois, un ménage "
        "ne tient qu'un logement ; le bail suit une attribution de la CAL",
        # Reading (assumption): R441-3 has the CAL attribute each dwelling
        # nominatively; one household per dwelling and one dwelling per household
        # at a time follow from it and from the lease (loi 89-462, art. 2).
        "CCH R441-3 ; loi 89-462 art. 2 (lecture : un logement, un ménage)",
        "bloquant",
        (DOSSIER, PROGRAMME),
        "cmd + hist",
    ),
    Rule(
        "CAL-CONDITION",
        "Une condition suspensive nomme la pièce et un délai ; levée à temps, "
        "le bail est signé",
        "CCH R441-3 c)",
        "bloquant",
        (DOSSIER,),
    ),
    Rule(
        "CAL-MOTIF",
        "Toute non-attribution ou tout rejet est notifié par écrit et motivé",
        "CCH L441-2-2",
        "bloquant",
        (DOSSIER,),
        "cmd + hist",
    ),
    Rule(
        "OFFRE-DELAI",
        "Une proposition laisse au moins dix jours pour répondre ; le silence "
        "vaut refus",
        "CCH R441-10 ; R441-3 b)",
        "bloquant",
        (DOSSIER,),
        "cmd + hist",
    ),
    Rule(
        "DALO-DELAI",
        "DALO : décision de la commission de médiation dans les 3 mois d'un "
        "recours complet (6 outre-mer), offre du préfet dans les 3 ou 6 mois",
        "CCH R441-15, R441-16-1",
        "bloquant",
        (DOSSIER,),
        enforced="found",
    ),
    Rule(
        "ENTREE-INFO",
        "Les réunions d'information collective suivent la CAL",
        "seed 000",
        "alerte",
        (DOSSIER,),
        enforced="found",
    ),
    Rule(
        "BILAN-DELAI",
        "Bilan d'installation au plus tard deux mois après l'entrée",
        "seed 000",
        "alerte",
        (DOSSIER,),
        enforced="found",
    ),
    Rule(
        "BILAN-SUITE",
        "Un bilan qui relève des problèmes sociaux ouvre un accompagnement d'au "
        "moins six mois",
        "seed 000",
        "alerte",
        (DOSSIER, MESURE),
        "cmd + hist",
    ),
    Rule(
        "RGPD-CONSERVATION",
        "Données de l'évaluation sociale effacées à l'attribution sans suivi, "
        "sinon à la fin du suivi ; accompagnement : deux ans après le dernier "
        "contact ; SNE : un an après la radiation",
        "CNIL 2014-124 ; CNIL 2023-095",
        "alerte",
        (DOSSIER, MESURE),  # referrals: add "saisine" here
        enforced="found",
    ),
    Rule(
        "SAISIE-TARDIVE",
        "Une étape est enregistrée au plus tard le délai fixé par le département "
        "après le jour où elle a eu lieu ; une étape importée d'un historique "
        "déclaré est signalée pour information",
        # Assumption: no text sets a delay for recording; good administration
        # (traceability of the procedure) is the basis, the delay a setting.
        "bonne administration : traçabilité de la procédure (délai : paramètre "
        "départemental, hypothèse)",
        "alerte",
        (DOSSIER, COMMISSION, PROGRAMME, MESURE, SAISINE),
        enforced="found",  # a command cannot know when it will be recorded late
    ),
)

# The source documents the procedures come from, cited by their file number
# ("seed 000") in the catalogue and the events' legal bases: people read their
# titles. The stored strings keep the numbers (findings, audit trails, JSON).
SOURCES: dict[str, str] = {
    "000": "Procédure d'attribution LLTS de l'ALS Martinique (diaporama de l'ALS)",
    "001": "Présentation de l'ALS (2016)",
    "002": "PDALPD de la Loire 2002-2007",
    "004": "Service ASLL de l'UDAF de la Dordogne",
}
_SEEDS = re.compile(r"\bseeds? (\d{3}(?:, \d{3})*)\b")


def cited(source: str) -> str:
    """`source` as people read it: each "seed NNN" (or "seeds NNN, MMM")
    replaced by its title(s)."""
    return _SEEDS.sub(
        lambda m: " ; ".join(
            SOURCES.get(n, f"seed {n}") for n in m.group(1).split(", ")
        ),
        source,
    )
