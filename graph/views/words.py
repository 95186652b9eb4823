"""Words and colours of the views: category names in Swedish and English, the page's strings, a palette."""

from __future__ import annotations

import re

from graph.views.model import Lang

# Paul Tol's "muted" and "bright" schemes: distinguishable for colour-blind readers and in print.
PALETTE: tuple[str, ...] = (
    "#332288",
    "#88CCEE",
    "#44AA99",
    "#117733",
    "#999933",
    "#DDCC77",
    "#CC6677",
    "#882255",
    "#AA4499",
    "#EE6677",
    "#4477AA",
)
OTHER_COLOUR = "#BBBBBB"
EDGE_COLOUR = "#8a8a8a"
NEIGHBOUR_EDGE_COLOUR = "#4477AA"
DISTANT_EDGE_COLOUR = "#CC6677"

# Keyed by category code (skos:notation of concept:actor-categories, or a class's local name); the words of
# a category are its concept's prefLabels (tests/test_ontology checks that they agree).
CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "Municipality": ("Kommun", "Municipality"),
    "Region": ("Region", "Region"),
    "Committee": ("Nämnd", "Committee"),
    "Administration": ("Förvaltning", "Administration"),
    "Assembly": ("Fullmäktige", "Assembly"),
    "UmbrellaOrganisation": ("Paraplyorganisation", "Umbrella organisation"),
    "ProfessionalOrganisation": ("Yrkesorganisation", "Professional organisation"),
    "Centrumbildning": ("Centrumbildning", "Centrumbildning"),
    "CivilSocietyAlliance": ("Civilsamhällesallians", "Civil society alliance"),
    "InterestOrganisation": ("Intresseorganisation", "Interest organisation"),
    "StudyAssociation": ("Studieförbund", "Study association"),
    "StudyAssociationDistrict": ("Studieförbundsavdelning", "Study association district"),
    "FolkHighSchool": ("Folkhögskola", "Folk high school"),
    "CultureSchool": ("Kulturskola", "Culture school"),
    "Association": ("Förening", "Association"),
    "RegionalCultureFunction": ("Länskulturfunktion", "Regional culture function"),
    "Network": ("Nätverk", "Network"),
    "Grouping": ("Gruppering", "Grouping"),
    "UnnamedSubset": ("Ej namngivet urval", "Unnamed subset"),
    "SportsFacility": ("Idrottsanläggning", "Sports facility"),
    "Actor": ("Aktör", "Actor"),
    "Issue": ("Fråga", "Issue"),
    "Group": ("Grupp", "Group"),
    "Collaboration": ("Samarbete (flera parter)", "Collaboration (several parties)"),
}

STRINGS: dict[str, tuple[str, str]] = {
    "search": ("Sök", "Search"),
    "search_hint": ("Sök nod…", "Find a node…"),
    "all": ("alla", "all"),
    "domain": ("Område", "Domain"),
    "year": ("År", "Year"),
    "category": ("Kategori", "Category"),
    "reset": ("Återställ", "Reset"),
    "legend": ("Färg", "Colour"),
    "size": ("Storlek", "Size"),
    "edges": ("Linjer", "Lines"),
    "edge_width": ("Linjebredd: vikt (antal samarbeten)", "Line width: weight (number of collaborations)"),
    "data_date": ("Data per", "Data as of"),
    "sources": ("Källor", "Sources"),
    "embed": ("Bädda in", "Embed"),
    "embed_hint": (
        "Klistra in i en webbsida:",
        "Paste into a web page:",
    ),
    "drawn_with": ("Ritad med", "Drawn with"),
    "inlined": ("inbäddad, ingen nätverksåtkomst", "inlined, no network access"),
    "nodes": ("noder", "nodes"),
    "lines": ("linjer", "lines"),
    "noscript": (
        "Vyn behöver JavaScript. Uppgifterna finns i sidans JSON-block.",
        "This view needs JavaScript. Its data is in the page's JSON block.",
    ),
    "label": ("Namn", "Name"),
    "municipality": ("Kommun", "Municipality"),
    "community": ("Gemenskap", "Community"),
    "source": ("Källa", "Source"),
    "betweenness": ("Mellanliggande centralitet", "Betweenness centrality"),
    "degree": ("Antal kontakter", "Degree"),
    "strength": ("Viktad grad", "Weighted degree"),
    "pagerank": ("PageRank", "PageRank"),
    "none": ("Lika storlek", "Same size"),
    "members": ("Medlemmar", "Members"),
    "weight": ("Vikt", "Weight"),
    "count": ("Antal", "Count"),
    "collaborations": ("Samarbeten", "Collaborations"),
    "domains": ("Områden", "Domains"),
    "neighbours": ("Grannkommuner", "Neighbouring municipalities"),
    "distant": ("Ej grannar", "Not neighbours"),
    "other": ("Övriga", "Other"),
    "no_municipality": ("Utan kommun", "No municipality"),
    "png": ("Bild (PNG)", "Picture (PNG)"),
    "copy_link": ("Kopiera länk", "Copy link"),
    "copied": ("Länken är kopierad", "Link copied"),
    "show_table": ("Visa som tabell", "Show as a table"),
    "show_picture": ("Visa som bild", "Show as a picture"),
    "open_page": ("Öppna sida", "Open page"),
    "center_here": ("Centrera här", "Centre here"),
    "close": ("Stäng", "Close"),
    "partners": ("Partner", "Partners"),
    "issues_raised": ("Frågor som lyfts", "Issues raised"),
    "stance": ("Hållning", "Stance"),
    "of": ("av", "of"),
    "measure": ("Mått", "Measure"),
    "star": ("Avtal med flera kommuner som stjärna", "Agreements of several municipalities as a star"),
    "colour_by": ("Färg efter", "Colour by"),
    "language": ("Språk", "Language"),
    "isolates": ("Utan samarbete i urvalet", "Without a tie in this selection"),
    "star_legend": ("Avtal med flera kommuner (stjärna)", "Agreement of several municipalities (star)"),
    "name": ("Namn", "Name"),
    "from": ("Från", "From"),
    "to": ("Till", "To"),
    "keyboard_hint": (
        "Piltangenter: nästa nod. Enter: visa uppgifter. Esc: stäng.",
        "Arrow keys: next node. Enter: details. Esc: close.",
    ),
    "more": ("fler", "more"),
    "svg": ("Vektorbild (SVG)", "Vector picture (SVG)"),
}


def say(key: str, lang: Lang) -> str:
    """Return a string of the page in Swedish or English.

    Example:
        >>> say("search", "sv")
        'Sök'
    """
    sv, en = STRINGS[key]
    return sv if lang == "sv" else en


def strings(lang: Lang) -> dict[str, str]:
    """Every string of the page in one language (the page script reads them from the data block)."""
    return {k: say(k, lang) for k in STRINGS}


def category_label(category: str | None, lang: Lang) -> str:
    """Name an actor category (a class's local name) for people: ``CultureSchool`` → ``Kulturskola``."""
    if not category:
        return say("other", lang)
    known = CATEGORY_LABELS.get(category)
    if known:
        return known[0] if lang == "sv" else known[1]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", category)
    return words[:1].upper() + words[1:].lower()


def short_iri(iri: str) -> str:
    """Shorten an IRI for people: ``https://w3id.org/samverkan/id/actor/klys`` → ``actor/klys``."""
    for prefix in ("https://w3id.org/samverkan/id/", "https://w3id.org/samverkan/graph/"):
        if iri.startswith(prefix):
            return iri[len(prefix) :]
    if iri.startswith("https://w3id.org/samverkan/concept/"):
        return iri[len("https://w3id.org/samverkan/concept/") :]
    return iri


__all__ = [
    "CATEGORY_LABELS",
    "DISTANT_EDGE_COLOUR",
    "EDGE_COLOUR",
    "NEIGHBOUR_EDGE_COLOUR",
    "OTHER_COLOUR",
    "PALETTE",
    "STRINGS",
    "category_label",
    "say",
    "short_iri",
    "strings",
]
