"""A department's yearly figures: ASLL and LLTS."""

from __future__ import annotations

from pydantic import BaseModel, Field

from projections.llts_statistics import DecisionCount
from projections.mesures import (
    KindCount,
    OrientationCount,
)


class StatisticsPublic(BaseModel):
    """A department's ASLL figures for a civil year; each step is counted in the
    year of the day it happened (occurred_on)."""

    department: str
    year: int
    requested: int = Field(description="Mesures demandées dans l'année")
    instructed: int = Field(description="Demandes instruites dans l'année")
    granted: int = Field(description="dont accordées")
    refused: int = Field(description="dont refusées")
    notified: int = Field(description="Mesures notifiées à une association")
    conventions: int = Field(description="Conventions signées dans l'année")
    by_orientation: list[OrientationCount] = Field(
        description="Conventions de l'année par orientation, part en % (une "
        "décimale) : accès, maintien, diagnostic"
    )
    by_kind: list[KindCount] = Field(
        description="Conventions de l'année par nature de mesure, part en % (une "
        "décimale) : individuelle, bail glissant, action spécifique"
    )
    baux_glissants_share_percent: float | None = Field(
        description="Part des baux glissants dans les conventions de l'année, en % "
        "(une décimale ; null sans convention)"
    )
    reoriented: int = Field(description="Réorientées au diagnostic complémentaire")
    ended: int = Field(description="Terminées par un bilan co-signé")
    broken_off: int = Field(description="Rompues par le ménage")
    baux_glissants_started: int = Field(
        description="Baux glissants commencés : sous-locations qui débutent dans "
        "l'année"
    )
    baux_glissants_slid: int = Field(description="Baux glissés au ménage")
    households_supported: int = Field(
        description="Ménages distincts ayant une mesure sous convention (de son "
        "début à sa fin ou rupture) un jour de l'année"
    )
    demands_processed: int = Field(description="Demandes traitées (instruites)")
    mandats_de_gestion: int | None = Field(
        description="Non enregistrés dans Logis : toujours null"
    )
    notes: list[str]
    assumptions: list[str] = Field(
        description="Lectures des chiffres des sources qui sont des hypothèses"
    )
    position: int


class LltsStatisticsPublic(BaseModel):
    """A department's LLTS figures for a civil year, as the ALS gives its own
    (seed 001); each step counted in the year of the day it happened
    (occurred_on). `definitions` says what each figure counts in Logis's events;
    `assumptions`, where that reading of the seed is ours."""

    department: str
    year: int
    demands_identified: int = Field(description="Dossiers identifiés (repérage)")
    demands_processed: int = Field(
        description="Demandes traitées : dossiers dont l'analyse par l'ALS a commencé"
    )
    attributions: int = Field(description="Décisions d'attribution de la CAL")
    by_decision: list[DecisionCount] = Field(
        description="Attributions par décision, part en % (une décimale)"
    )
    leases_signed: int = Field(description="Baux signés")
    households_entered: int = Field(description="Ménages entrés dans les lieux")
    households_supported_after_entry: int = Field(
        description="Ménages accompagnés dans leur logement : sous convention ASLL "
        "un jour de l'année après leur entrée (dossier LLTS) ou par une mesure de "
        "maintien"
    )
    supported_after_llts_entry: int = Field(
        description="dont après une entrée enregistrée par un dossier LLTS"
    )
    supported_in_maintien: int = Field(description="dont par une mesure de maintien")
    definitions: dict[str, str]
    assumptions: list[str]
    position: int
