"""The rules of the catalogue (domain/legality/catalogue.py) that concern
ASLL measures, baux glissants and CCAPEX referrals: they come after the LLTS
block in `RULES` (domain/legality/rules.py)."""

from __future__ import annotations

from domain.legality.catalogue import MESURE, SAISINE, Rule

SUPPORT_RULES: tuple[Rule, ...] = (
    # ASLL measures and baux glissants (domain/legality/mesure.py).
    Rule(
        "ASLL-ADHESION",
        "Une mesure ne commence qu'avec l'adhésion du ménage : diagnostic "
        "co-signé, convention signée par l'association, le ménage et le "
        "prescripteur",
        "seeds 002, 004 ; loi 90-449 art. 6",
        "bloquant",
        (MESURE,),
        "cmd",
    ),
    Rule(
        "ASLL-PRESCRIPTEUR",
        "Seul un prescripteur habilité demande une mesure",
        "seeds 002, 004",
        "bloquant",
        (MESURE,),
        "cmd",
    ),
    Rule(
        "ASLL-CANAL",
        "Les mesures individuelles sont instruites par la CLU, les baux glissants "
        "par la CLT (ou la DDASS), les actions spécifiques par l'association",
        "seed 002",
        "bloquant",
        (MESURE,),
        "cmd",
    ),
    Rule(
        "ASLL-CAPACITE",
        "Les mesures ouvertes d'une association ne dépassent jamais sa capacité "
        "mensuelle, ni celle de ses suivis renforcés",
        "seed 002",
        "bloquant",
        (MESURE,),
        "cmd",
    ),
    Rule(
        "ASLL-CONTENU",
        "Chaque mesure a une orientation (accès, maintien, diagnostic) et au "
        "moins un axe de travail de la liste du département",
        "seeds 002, 004",
        "bloquant",
        (MESURE,),
        "cmd",
    ),
    Rule(
        "ASLL-DUREE",
        "Durée et renouvellements fixés par le département, prolongation "
        "décidée par la CLU ou la CLT qui a notifié, avant la fin de la mesure",
        "seeds 002, 004",
        "bloquant",
        (MESURE,),
        "cmd + hist",
    ),
    Rule(
        "ASLL-RYTHME",
        "Environ deux rencontres par mois, visites à domicile comprises",
        "seed 002",
        "alerte",
        (MESURE,),
        enforced="found",
    ),
    Rule(
        "ASLL-FIN",
        "La mesure se termine par un bilan signé du travailleur social et du "
        "ménage, retourné à la CLU ou la CLT, avec relais au prescripteur, ou "
        "par une rupture",
        "seed 002",
        "bloquant",
        (MESURE,),
        "cmd",
    ),
    Rule(
        "BG-GLISSEMENT",
        "Le bail glissant est examiné périodiquement avec les parties ; il finit "
        "par le glissement du bail au ménage ou la fin de la sous-location",
        "CCH L442-8-3 ; seed 002",
        "alerte",
        (MESURE,),
        enforced="found",
    ),
    # CCAPEX referrals (domain/legality/saisine.py).
    Rule(
        "CCAPEX-SAISINE",
        "Bailleur personne morale : saisine de la CCAPEX au moins deux mois avant "
        "l'assignation ; assignation notifiée au préfet au moins six semaines "
        "avant l'audience ; aucune expulsion pendant la trêve hivernale",
        "loi 89-462 art. 24 ; loi 2023-668 ; CPCE L412-6",
        "bloquant",
        (SAISINE,),
        enforced="found",
    ),
)
