"""Every operation's summary in /docs, in French: the steps name themselves
(their command's `title`); the other operations are named here, by their
handler's name, in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi.routing import APIRoute

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi import FastAPI

SUMMARIES = {
    "read_health": "État du service",
    "read_metrics": "Métriques Prometheus",
    "identify_dossier": "Repérer un ménage : ouvrir un dossier LLTS",
    "list_dossiers": "Liste des dossiers LLTS",
    "read_dossier": "Un dossier LLTS",
    "read_history": "Historique d'un dossier LLTS",
    "announce_programme": "Annoncer un programme (livraison ou vacance)",
    "hold_concertation": "Tenir la concertation d'un programme",
    "let_dwelling": "Bail signé sur un logement du programme",
    "vacate_dwelling": "Logement du programme libéré",
    "propose_candidates": "Proposer des candidats pour un logement vacant",
    "list_programmes": "Liste des programmes",
    "read_programme": "Un programme",
    "convene_commission": "Convoquer une commission",
    "record_attendance": "Feuille de présence et présidence de la séance",
    "preselect": "Pré-sélection en pré-commission",
    "rank": "Classement par la commission préfectorale",
    "decide_on_dwelling": "Décisions de la CAL sur un logement",
    "close_minutes": "Clore le procès-verbal de la séance",
    "read_commission": "Une séance de commission",
    "list_commissions": "Liste des séances de commission",
    "read_commission_list": "Ordre du jour, classement et liste complémentaire "
    "d'une séance",
    "read_minutes": "Procès-verbal d'une séance (HTML ou PDF)",
    "request_mesure": "Demander une mesure ASLL",
    "read_mesure": "Une mesure ASLL",
    "read_mesure_history": "Historique d'une mesure ASLL",
    "list_mesures": "Liste des mesures ASLL",
    "signal_saisine": "Saisir la CCAPEX",
    "read_saisine": "Une saisine de la CCAPEX",
    "read_saisine_history": "Historique d'une saisine de la CCAPEX",
    "list_saisines": "Liste des saisines de la CCAPEX et leurs échéances",
    "read_listes_complementaires": "Listes complémentaires d'une commune",
    "adopt_settings": "Adopter une version des paramètres d'un département",
    "read_settings": "Paramètres d'un département : toutes les versions",
    "list_bilans": "Bilans d'installation à faire ou en retard",
    "list_support_requests": "Accompagnements demandés après un bilan",
    "read_pre_commission_readiness": "Dossiers d'un programme prêts pour la "
    "pré-commission",
    "read_workload": "Charge des associations ASLL un jour donné",
    "read_statistics": "Statistiques ASLL d'un département pour une année",
    "read_llts_statistics": "Statistiques LLTS d'un département pour une année",
    "list_projections": "État des vues de lecture",
    "read_stage_counts": "Dossiers par étape, département et commune",
    "read_rules": "Catalogue des règles de légalité",
    "read_dossier_legality": "Contrôle de légalité d'un dossier LLTS",
    "read_mesure_legality": "Contrôle de légalité d'une mesure ASLL",
    "read_programme_legality": "Contrôle de légalité d'un programme",
    "read_commission_legality": "Contrôle de légalité d'une séance de commission",
    "read_saisine_legality": "Contrôle de légalité d'une saisine de la CCAPEX",
    "read_legality_report": "Rapport de légalité d'un département (JSON, CSV, "
    "HTML, PDF)",
    "verify_dossier": "Vérifier l'intégrité des événements d'un dossier",
    "verify_mesure": "Vérifier l'intégrité des événements d'une mesure",
    "read_dossier_audit": "Piste d'audit d'un dossier LLTS",
    "read_mesure_audit": "Piste d'audit d'une mesure ASLL",
    "read_programme_audit": "Piste d'audit d'un programme",
    "read_commission_audit": "Piste d'audit d'une séance de commission",
    "read_saisine_audit": "Piste d'audit d'une saisine de la CCAPEX",
    "read_access_log": "Journal des accès aux données personnelles",
    "erase_household_data": "Effacer les données personnelles d'un ménage",
}


def api_routes(routes: Any) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):  # an included router
            yield from api_routes(route.original_router.routes)
        elif hasattr(route, "routes"):
            yield from api_routes(route.routes)


def name_operations(app: FastAPI) -> None:
    """Give each operation without a summary its French one."""
    for route in api_routes(app.routes):
        if not route.summary and route.name in SUMMARIES:
            route.summary = SUMMARIES[route.name]
