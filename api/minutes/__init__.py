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
