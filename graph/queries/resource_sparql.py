"""The SPARQL of the resource readers (graph.queries.resources): actor classes and one query per resource.

An actor's category is its ``org:classification`` (a concept of concept:actor-categories, whose
``skos:notation`` is the category's code, such as ``CultureSchool``); the classes below find the actors, and
name the category of those without a classification (municipalities, and data written for ontology 0.1).

Kept apart from the named queries of this folder's .rq files, which are published as /api/queries routes.
"""

from __future__ import annotations

from graph.namespaces import SV

# sv:Actor and the classes an actor may have instead: kept ones and those deprecated in 0.2, for old data.
ACTOR_CLASSES = (
    SV.Actor,
    SV.Region,
    SV.Committee,
    SV.Administration,
    SV.Municipality,
    SV.UmbrellaOrganisation,
    SV.ProfessionalOrganisation,
    SV.Centrumbildning,
    SV.CivilSocietyAlliance,
    SV.InterestOrganisation,
    SV.StudyAssociation,
    SV.StudyAssociationDistrict,
    SV.FolkHighSchool,
    SV.CultureSchool,
    SV.Association,
    SV.RegionalCultureFunction,
    SV.Network,
    SV.Grouping,
    SV.SportsFacility,
)
_ACTOR_VALUES = " ".join(f"<{c}>" for c in ACTOR_CLASSES)
MUNICIPALITY_OF = (
    "{ ?actor sv:basedIn ?municipality } UNION { ?actor a sv:Municipality BIND(?actor AS ?municipality) }"
)

CATEGORIES = """
SELECT ?c ?n WHERE { ?c skos:inScheme concept:actor-categories OPTIONAL { ?c skos:notation ?n } }"""
MUNICIPALITIES = """
SELECT ?m ?code (SAMPLE(?sv) AS ?label) (SAMPLE(?en) AS ?labelEn) WHERE {
  ?m a sv:Municipality ; sv:municipalityCode ?code .
  OPTIONAL { ?m skos:prefLabel ?sv FILTER(LANGMATCHES(LANG(?sv), "sv")) }
  OPTIONAL { ?m skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
} GROUP BY ?m ?code ORDER BY ?code"""
# WANTED is empty or CATEGORY_WANTED (the category filter, bound to ?wanted).
CATEGORY_WANTED = (
    "{ ?actor org:classification ?wanted } UNION { ?old dcterms:isReplacedBy ?wanted . ?actor a ?old }"
)
NOTATION = "OPTIONAL { ?actor org:classification/skos:notation ?notation }"
ACTORS = f"""
SELECT ?actor ?category ?notation ?municipality ?label WHERE {{
  VALUES ?category {{ {_ACTOR_VALUES} }}
  ?actor a ?category . WANTED
  {NOTATION}
  OPTIONAL {{ {MUNICIPALITY_OF} }}
  OPTIONAL {{ ?actor skos:prefLabel|skos:altLabel ?label }}
}}"""
ACTOR = f"""
SELECT ?actor ?category ?notation ?municipality ?label ?rel ?other WHERE {{
  VALUES ?category {{ {_ACTOR_VALUES} }}
  ?actor a ?category .
  {{ {MUNICIPALITY_OF} }}
  UNION {{ ?actor org:classification/skos:notation ?notation }}
  UNION {{ ?actor skos:prefLabel ?label BIND("pref" AS ?rel) }}
  UNION {{ ?actor skos:altLabel ?label BIND("alt" AS ?rel) }}
  UNION {{ ?other org:hasMember ?actor FILTER NOT EXISTS {{ ?other a sv:Collaboration }}
           BIND("member_of" AS ?rel) }}
  UNION {{ ?actor org:hasMember ?other BIND("members" AS ?rel) }}
  UNION {{ ?other org:hasMember ?actor ; a sv:Collaboration BIND("collaborations" AS ?rel) }}
  UNION {{ ?actor sv:designatedDialoguePartner ?other BIND("designated_partners" AS ?rel) }}
}}"""
ISSUES = """
SELECT ?issue ?label ?labelEn ?area ?mention ?who WHERE {
  ?issue a skos:Concept ; skos:inScheme concept:issues .
  OPTIONAL { ?issue skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "sv")) }
  OPTIONAL { ?issue skos:prefLabel ?labelEn FILTER(LANGMATCHES(LANG(?labelEn), "en")) }
  OPTIONAL { ?issue sv:strategyArea ?area }
  OPTIONAL { ?mention sv:issue ?issue . OPTIONAL { ?mention sv:raisedBy ?who } }
}"""
# WANTED is empty or a pattern on ?wanted: the filter binds its own variable, so a collaboration still lists
# all its domains.
COLLABORATIONS = """
SELECT ?c ?label ?labelEn ?domain ?kind ?start ?actor ?municipality WHERE {
  ?c a sv:Collaboration ; org:purpose ?domain . WANTED
  OPTIONAL { ?c skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "sv")) }
  OPTIONAL { ?c skos:prefLabel ?labelEn FILTER(LANGMATCHES(LANG(?labelEn), "en")) }
  OPTIONAL { ?c sv:agreementKind ?kind }
  OPTIONAL { ?c schema:startDate ?start }
  OPTIONAL { ?c org:hasMember ?actor OPTIONAL { MUNICIPALITY_OF } }
}""".replace("MUNICIPALITY_OF", MUNICIPALITY_OF)
DIALOGUES = """
SELECT ?round ?year ?label ?meeting ?date ?host ?mode ?participant WHERE {
  ?round a sv:DialogueRound .
  OPTIONAL { ?round sv:year ?year }
  OPTIONAL { ?round skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "sv")) }
  OPTIONAL { ?meeting sv:inRound ?round ; a sv:DialogueMeeting .
             OPTIONAL { ?meeting schema:startDate ?date } OPTIONAL { ?meeting sv:host ?host }
             OPTIONAL { ?meeting sv:mode ?mode } OPTIONAL { ?meeting sv:participant ?participant } }
}"""

__all__ = [
    "ACTOR",
    "ACTORS",
    "ACTOR_CLASSES",
    "CATEGORIES",
    "CATEGORY_WANTED",
    "COLLABORATIONS",
    "DIALOGUES",
    "ISSUES",
    "MUNICIPALITIES",
    "MUNICIPALITY_OF",
]
