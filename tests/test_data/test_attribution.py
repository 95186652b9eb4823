"""Who said what, as exactly as the sources: speakers, stances, notes and hypotheses of data/.

attributions.csv (beside this file) is derived by hand from ../shared/domain/FACTS-rounds.md section 2: per
verified statement its source, the verbatim quote ("…" marks a cut) and the speakers the source supports.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from pyoxigraph import Quad

from graph.ingest.quads import Parsed
from graph.ingest.tables import load_mapping, read_tables
from graph.namespaces import CONCEPT, DCTERMS, GRAPH, ID, PROV, SKOS, SV

DATA = Path(__file__).resolve().parents[2] / "data"
ATTRIBUTIONS = Path(__file__).with_name("attributions.csv")
SOURCE_PREFIX = str(GRAPH["source/"])


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    return read_tables(DATA, load_mapping(DATA / "mapping.toml"))


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def mentions() -> list[dict[str, str]]:
    return table(DATA / "mentions.csv") + table(DATA / "inferred" / "mentions.csv")


def fragments(quote: str) -> list[str]:
    return [part.strip() for part in quote.split("…") if part.strip()]


def supporting(mention: dict[str, str]) -> list[dict[str, str]]:
    """The verified statements whose source and words include the mention's quote."""
    return [
        row
        for row in table(ATTRIBUTIONS)
        if row["source"] in mention["sources"].split(";")
        and any(mention["quote"] in part for part in fragments(row["quote"]))
    ]


def graph_objects(quads: list[Quad], subject: str, predicate: str, *, graphs: str = "") -> set[str]:
    return {
        q.object.value
        for q in quads
        if q.subject.value == subject
        and q.predicate.value == predicate
        and q.graph_name.value.startswith(graphs)
    }


def mention_iri(slug: str) -> str:
    return str(ID[f"mention/{slug}"])


@pytest.mark.parametrize("mention", mentions(), ids=lambda m: m["id"])
def test_speaker_and_stance_are_those_the_quote_supports(mention: dict[str, str]) -> None:
    found = supporting(mention)
    assert found, (
        f"{mention['id']}: no verified statement of {mention['sources']} contains {mention['quote']!r}"
    )
    speakers = {s for row in found for s in row["speakers"].split(";")}
    stances = {s for row in found for s in row["stances"].split(";")}
    assert set(mention["raised_by"].split(";")) <= speakers, (mention["id"], [r["fact"] for r in found])
    assert mention["stance"] in stances, mention["id"]


def test_every_verified_statement_is_in_the_data() -> None:
    covered = {row["fact"] for m in mentions() for row in supporting(m)}
    assert covered == {row["fact"] for row in table(ATTRIBUTIONS)}


def test_no_mention_names_the_26_municipalities_for_several(parsed: Parsed) -> None:
    raised = [q for q in parsed.quads if q.predicate.value == str(SV.raisedBy)]
    assert str(ID["actor/kommuner-26"]) not in {q.object.value for q in raised}
    subset = str(ID["actor/flera-av-lanets-kommuner"])
    assert graph_objects(parsed.quads, subset, str(SV.subsetOf)) == {str(ID["actor/kommuner-26"])}
    assert {q.subject.value for q in raised if q.object.value == subset} == {
        mention_iri("2020-efficiency-pressure"),
        mention_iri("2020-culture-in-urban-development"),
    }


@pytest.mark.parametrize(
    "slug",
    ["2020-cross-border-collaboration", "2020-arms-length", "2020-weak-folkbildning-support",
     "2020-region-as-convener"],
)  # fmt: skip
def test_the_administrations_own_reading_is_the_administrations(parsed: Parsed, slug: str) -> None:
    mention = mention_iri(slug)
    assert graph_objects(parsed.quads, mention, str(SV.raisedBy)) == {str(ID["actor/kulturforvaltningen"])}
    assert graph_objects(parsed.quads, mention, str(SV.quotedPerson)) == {str(ID["person/eva-bergquist"])}
    assert graph_objects(parsed.quads, mention, str(SV.reportedBy)) == set()


def test_digital_meetings_of_2020_name_no_partner_as_speaker(parsed: Parsed) -> None:
    speakers = {
        slug: graph_objects(parsed.quads, mention_iri(slug), str(SV.raisedBy))
        for slug in ("2020-crisis-effects", "2020-acute-support", "2020-fragile-infrastructure")
    }
    assert speakers == {
        "2020-crisis-effects": {str(ID["actor/fria-kulturlivets-parter"])},
        "2020-acute-support": {str(ID["person/eva-bergquist"])},
        "2020-fragile-infrastructure": {str(ID["person/eva-bergquist"])},
    }
    participants = [q for q in parsed.quads if q.predicate.value == str(SV.participant)]
    klys = {q.graph_name.value for q in participants if q.object.value == str(ID["actor/klys"])}
    assert klys == {str(GRAPH["inferred/meeting-participants-read"])}


def test_urban_development_is_neutral_in_the_press_release_and_a_concern_in_the_analysis(
    parsed: Parsed,
) -> None:
    stance = str(SV.stance)
    assert graph_objects(parsed.quads, mention_iri("2020-culture-in-urban-development"), stance) == {
        str(CONCEPT["stance/neutral"])
    }
    assert graph_objects(parsed.quads, mention_iri("2020-culture-off-the-agenda"), stance) == {
        str(CONCEPT["stance/concern"])
    }


def test_quoted_person_and_reporter_are_qualified_attributions_with_roles(parsed: Parsed) -> None:
    mention = mention_iri("2020-efficiency-pressure")
    attributions = graph_objects(parsed.quads, mention, str(PROV.qualifiedAttribution))
    roles = {
        (next(iter(graph_objects(parsed.quads, a, str(PROV.agent)))), next(iter(graph_objects(
            parsed.quads, a, str(PROV.hadRole)))))
        for a in attributions
    }  # fmt: skip
    bergquist = str(ID["person/eva-bergquist"])
    assert roles == {
        (str(ID["actor/flera-av-lanets-kommuner"]), str(CONCEPT["attribution-role/speaker"])),
        (bergquist, str(CONCEPT["attribution-role/quoted"])),
        (bergquist, str(CONCEPT["attribution-role/reporter"])),
    }
    source = str(ID["source/press-release-2020"])
    assert graph_objects(parsed.quads, mention, str(PROV.wasQuotedFrom)) == {source}
    assert graph_objects(parsed.quads, mention, str(DCTERMS.source)) == {source}


def test_nacka_meeting_rests_on_the_february_article_not_the_press_release(parsed: Parsed) -> None:
    meeting = str(ID["meeting/2020-nacka"])
    graphs = {q.graph_name.value for q in parsed.quads if q.subject.value == meeting}
    assert graphs == {str(GRAPH["source/kultur-sll-dialogmoten-26-kommuner"])}


def test_every_note_becomes_an_editorial_note(parsed: Parsed) -> None:
    notes = {
        q.object.value
        for q in parsed.quads
        if q.predicate.value == str(SKOS.editorialNote) and q.object.language == "en"  # type: ignore[union-attr]
    }
    for name in ("mentions.csv", "meetings.csv", "collaborations.csv", "actors.csv", "partners.csv"):
        for row in table(DATA / name):
            assert not row["note"] or row["note"] in notes, (name, row["note"][:40])


def test_rik_reaches_the_whole_county(parsed: Parsed) -> None:
    scope = graph_objects(
        parsed.quads, str(ID["collaboration/rik"]), str(DCTERMS.spatial), graphs=SOURCE_PREFIX
    )
    assert scope == {str(ID["county/01"])}


def test_scb_2024_source_has_its_address() -> None:
    (scb,) = [r for r in table(DATA / "sources.csv") if r["id"] == "scb-folkmangd-2024"]
    assert scb["url"].startswith("https://scb.se/hitta-statistik/")


def test_inferred_resources_carry_the_hypothesis_flag(parsed: Parsed) -> None:
    flagged = {
        q.subject.value: q.graph_name.value for q in parsed.quads if q.predicate.value == str(SV.inferredIn)
    }
    assert flagged[mention_iri("2023-regional-culture-support")] == str(GRAPH["inferred/mentions-read"])
    assert flagged[str(ID["constellation/2020-sodertorn"])] == str(GRAPH["inferred/constellations-2020"])
    assert not [s for s, g in flagged.items() if g.startswith(SOURCE_PREFIX)]
