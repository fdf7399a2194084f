"""Every field that may hold a household's personal data is declared erasable
(domain/personal.py): a new one cannot slip through unencrypted."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

from domain.personal import (
    CATEGORIES,
    ERASED,
    erased_copy,
    erased_value,
    personal_values,
    replace_value,
    value_at,
)
from domain.records import event_classes
from tests.helpers.dossiers import Procedure, identify_dossier, make_meta

# Names that suggest personal data: identity, free text about the household.
PERSONAL_LOOKING = re.compile(
    r"(^|_)(name|nom|summary|comment|findings|bilan|notes?|diagnostic|reason|"
    r"motive|recommendations|resources|benefit|arrears|taux|reste|"
    r"address|phone|email|birth|health)($|_)"
)
# Fields with such a name that are not a household's personal data, and why.
NOT_PERSONAL = {
    ("logis.commission.MinutesClosed", "summary"): "compte rendu de séance (Dec)",
    ("logis.programme.Announced", "name"): "nom du programme",
    ("logis.mesure.Notified", "association_name"): "nom de l'association",
    ("logis.mesure.Requested", "association_name"): "nom de l'association",
    ("logis.mesure.Requested", "channel_name"): "nom de l'instance d'instruction",
    ("logis.commission.CALDecisionsTaken", "exception_motive"): "motif de la "
    "séance pour un logement (CAL-TROIS), d'aucun ménage",
    ("logis.programme.ConcertationHeld", "quota_motive"): "motif du programme",
    ("logis.dossier.SolvencyAssessed", "max_taux_effort"): "seuil du département",
    ("logis.dossier.SolvencyAssessed", "min_reste_a_vivre_per_person"): "seuil du "
    "département",
}


def test_every_personal_looking_field_is_declared() -> None:
    missing = []
    for cls in event_classes():
        declared = {path.partition(".")[0] for path in cls.PERSONAL}
        for field in dataclasses.fields(cls):  # type: ignore[arg-type]
            if not PERSONAL_LOOKING.search(field.name):
                continue
            if field.name in declared or (cls.TOPIC, field.name) in NOT_PERSONAL:
                continue
            missing.append(f"{cls.TOPIC}.{field.name}")
    assert missing == [], "declare them in PERSONAL, or in NOT_PERSONAL with why"


def test_declarations_name_real_fields_and_categories() -> None:
    for cls in event_classes():
        names = {f.name: f.type for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        for path, category in cls.PERSONAL.items():
            name, _, key = path.partition(".")
            name, each = name.removesuffix("[]"), name.endswith("[]")
            assert name in names, f"{cls.TOPIC}: no field {name}"
            assert category in CATEGORIES
            kind = str(names[name])
            if each:  # a key of each item, under its dossier's household
                assert kind.startswith("list[dict[str, Any]]"), kind
                assert key, path
                continue
            # JSON-friendly types, so an erased value keeps its type; a
            # household's figure (Decimal) reads None once erased.
            assert kind.startswith(("str", "list[str]", "dict[str, Any]", "Decimal")), (
                kind
            )
            assert bool(key) == kind.startswith("dict"), path


def test_erased_values_keep_their_type() -> None:
    assert erased_value("Marie") == ERASED
    assert erased_value(["a"]) == []
    assert erased_value({"a": 1}) == {}
    assert erased_value(None) is None


def test_a_key_of_each_list_item_is_one_path_per_item() -> None:
    state = {"ranked": [{"dossier_id": 1, "motive": "Voisin"}, {"dossier_id": 2}]}
    assert personal_values(state, ["ranked[].motive"]) == ["ranked[0].motive"]
    assert value_at(state, "ranked[0].motive") == "Voisin"
    replace_value(state, "ranked[0].motive", ERASED)
    assert state["ranked"][0] == {"dossier_id": 1, "motive": ERASED}


def test_an_erased_copy_only_changes_personal_fields() -> None:
    known = Procedure(household_size=3, numero_unique=None, sne_registered_on=None)
    dossier = identify_dossier(
        known,
        make_meta("ccas", date(2025, 1, 6)),
        applicant_name="Marie-Josée Lordinot",
    )
    (event,) = dossier.collect_events()
    copy = erased_copy(event)
    assert copy.applicant_name == ERASED
    assert event.applicant_name != ERASED
    assert copy.household_size == event.household_size
