"""Render the ontology, its SHACL shapes and SKOS schemes as one self-contained HTML reference page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.namespaces import DCTERMS, OWL, PREFIXES, RDF, RDFS, SH, SKOS, SV, XSD

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}
h1,h2,h3{line-height:1.2}h2{border-bottom:2px solid #246;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin-top:1.8rem}code{background:#f3f3f3;padding:0 .2em;border-radius:3px}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:14px}
th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top}th{background:#eef2f7}
.en{color:#555}.warn{color:#8a5a00}.viol{color:#a00}nav ul{columns:3}ul.tree{margin:.2rem 0}
"""
_SHAPES_NS = "https://w3id.org/samverkan/shapes#"


def read_ontology(ontology_dir: Path) -> dict[str, Graph]:
    """Read every Turtle file of the ontology directory.

    Args:
        ontology_dir: the ``ontology/`` directory.

    Returns:
        File name to parsed graph, in file-name order.
    """
    return {p.name: Graph().parse(p, format="turtle") for p in sorted(ontology_dir.glob("*.ttl"))}


def write_reference(ontology_dir: Path, out: Path) -> None:
    """Render the reference page of ``ontology_dir`` and write it to ``out`` as UTF-8.

    Args:
        ontology_dir: the ``ontology/`` directory.
        out: the HTML file to write; its directory must exist.
    """
    out.write_text(render_reference(read_ontology(ontology_dir)), encoding="utf-8")


def render_reference(graphs: Mapping[str, Graph]) -> str:
    """Render one self-contained HTML page describing classes, properties, shapes and schemes.

    Args:
        graphs: file name to graph, as :func:`read_ontology` returns.

    Returns:
        The HTML text; every literal from the graphs is escaped.

    Example:
        >>> "<h1>" in render_reference({})
        True
    """
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.bind("shape", _SHAPES_NS)
    for part in graphs.values():
        g += part
    classes = sorted(c for c in _ours(g.subjects(RDF.type, OWL.Class)))
    props = sorted(
        p for t in (OWL.ObjectProperty, OWL.DatatypeProperty) for p in _ours(g.subjects(RDF.type, t))
    )
    shapes = sorted((s for s in g.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)), key=str)
    schemes = sorted(s for s in g.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef))
    toc = [("classes", "Classes"), ("properties", "Properties"), ("shapes", "Shapes"), ("schemes", "Schemes")]
    body = [
        "<h1>samverkan: ontology reference</h1>",
        "<p>Generated from the files " + ", ".join(f"<code>{escape(n)}</code>" for n in graphs) + ".</p>",
        "<nav><h2>Contents</h2><ul>"
        + "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in toc)
        + "".join(f'<li><a href="#{_anchor(g, s)}">{_label(g, s)}</a></li>' for s in schemes)
        + "</ul></nav>",
        '<h2 id="classes">Classes</h2>',
        *(_render_class(g, c) for c in classes),
        '<h2 id="properties">Properties</h2>',
        *(_render_property(g, p) for p in props),
        '<h2 id="shapes">Shapes</h2>',
        *(_render_shape(g, s) for s in shapes),
        '<h2 id="schemes">Schemes</h2>',
        *(_render_scheme(g, s) for s in schemes),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>samverkan: ontology reference</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _ours(nodes: Iterable[Node]) -> set[URIRef]:
    return {n for n in nodes if isinstance(n, URIRef) and str(n).startswith(str(SV))}


def _text(g: Graph, node: Node, prop: URIRef, lang: str) -> str:
    values = sorted(str(o) for o in g.objects(node, prop) if isinstance(o, Literal) and o.language == lang)
    return escape(values[0]) if values else ""


def _label(g: Graph, node: Node, lang: str = "sv") -> str:
    for prop in (RDFS.label, SKOS.prefLabel, SH.name):
        if text := _text(g, node, prop, lang):
            return text
    return _qname(g, node)


def _short(g: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        short = g.namespace_manager.normalizeUri(node)
        return short[1:-1] if short.startswith("<") else short
    if isinstance(node, Literal):
        return repr(str(node)) if node.datatype in (None, XSD.string) else str(node)
    return "(anonymous)"


def _qname(g: Graph, node: Node) -> str:
    return escape(_short(g, node))


def _anchor(g: Graph, node: Node) -> str:
    return escape(_short(g, node).replace(":", "-").replace("/", "-"), quote=True)


def _link(g: Graph, node: Node) -> str:
    if isinstance(node, BNode):
        members = g.value(node, OWL.unionOf)
        if members is not None:
            return " or ".join(_link(g, m) for m in Collection(g, members))
        return "(anonymous)"
    if isinstance(node, URIRef) and (node, None, None) in g and _is_documented(g, node):
        return f'<a href="#{_anchor(g, node)}"><code>{_qname(g, node)}</code></a>'
    return f"<code>{_qname(g, node)}</code>"


def _is_documented(g: Graph, node: URIRef) -> bool:
    if str(node).startswith((str(SV), _SHAPES_NS)):
        return True
    return any((node, RDF.type, kind) in g for kind in (SKOS.Concept, SKOS.ConceptScheme))


def _names(g: Graph, node: Node) -> str:
    sv, en = _text(g, node, RDFS.label, "sv"), _text(g, node, RDFS.label, "en")
    return f'{sv} <span class="en">/ {en}</span>' if en else sv


def _definition(g: Graph, node: Node) -> str:
    sv, en = _text(g, node, SKOS.definition, "sv"), _text(g, node, SKOS.definition, "en")
    return f'<p>{en}</p><p class="en" lang="sv">{sv}</p>'


def _deprecated(g: Graph, node: Node) -> str:
    """'Deprecated: use …' for a term marked owl:deprecated, naming what replaces it; else ''."""
    if (node, OWL.deprecated, Literal(True)) not in g:
        return ""
    instead = ", ".join(_link(g, r) for r in sorted(g.objects(node, DCTERMS.isReplacedBy), key=str))
    return f"yes; use {instead} (docs/migration.md)" if instead else "yes (docs/migration.md)"


def _dl(rows: Iterable[tuple[str, str]]) -> str:
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows if v)
    return f"<table>{cells}</table>" if cells else ""


def _render_class(g: Graph, cls: URIRef) -> str:
    supers = ", ".join(_link(g, s) for s in sorted(g.objects(cls, RDFS.subClassOf), key=str))
    own = sorted((s for s in g.subjects(SH.targetClass, cls)), key=str)
    inherited = sorted(
        (
            s
            for sup in g.transitive_objects(cls, RDFS.subClassOf)
            if sup != cls
            for s in g.subjects(SH.targetClass, sup)
        ),
        key=str,
    )
    parts = [
        f'<h3 id="{_anchor(g, cls)}">{_names(g, cls)} <code>{_qname(g, cls)}</code></h3>',
        _definition(g, cls),
    ]
    parts.append(
        _dl(
            [
                ("Deprecated", _deprecated(g, cls)),
                ("Subclass of", supers),
                ("Also checked by", ", ".join(_link(g, s) for s in inherited)),
            ]
        )
    )
    parts += [f"<p>Shape {_link(g, s)}:</p>{_constraints(g, s)}" for s in own]
    return "\n".join(parts)


def _render_property(g: Graph, prop: URIRef) -> str:
    rows = [
        ("Deprecated", _deprecated(g, prop)),
        ("Domain", ", ".join(_link(g, d) for d in g.objects(prop, RDFS.domain))),
        ("Range", ", ".join(_link(g, r) for r in g.objects(prop, RDFS.range))),
        (
            "Subproperty of",
            ", ".join(_link(g, s) for s in sorted(g.objects(prop, RDFS.subPropertyOf), key=str)),
        ),
    ]
    head = f'<h3 id="{_anchor(g, prop)}">{_names(g, prop)} <code>{_qname(g, prop)}</code></h3>'
    return head + _definition(g, prop) + _dl(rows)


def _render_shape(g: Graph, shape: URIRef) -> str:
    targets = ", ".join(_link(g, t) for t in g.objects(shape, SH.targetClass)) or "used through other shapes"
    node_rule = _text(g, shape, SH.message, "en")
    rule = f"<p>Also: {node_rule}</p>" if node_rule else ""
    head = f'<h3 id="{_anchor(g, shape)}">{_qname(g, shape)}</h3><p>Targets {targets}.</p>'
    return head + rule + _constraints(g, shape)


def _constraints(g: Graph, shape: Node) -> str:
    rows = []
    for ps in sorted(g.objects(shape, SH.property), key=lambda p: _qname(g, g.value(p, SH.path) or p)):
        severity = "Warning" if g.value(ps, SH.severity) == SH.Warning else "Violation"
        css = severity[:4].lower()
        rows.append(
            f"<tr><td>{_text(g, ps, SH.name, 'en')}</td><td>{_link(g, g.value(ps, SH.path) or ps)}</td>"
            f"<td>{_cardinality(g, ps)}</td><td>{_values(g, ps)}</td>"
            f'<td class="{css}">{severity}</td><td>{_text(g, ps, SH.message, "en")}</td></tr>'
        )
    if not rows:
        return "<p>No constraints of its own.</p>"
    head = (
        "<tr><th>Name</th><th>Path</th><th>How many</th><th>Values</th><th>Severity</th><th>Message</th></tr>"
    )
    return f"<table>{head}{''.join(rows)}</table>"


def _int(g: Graph, node: Node, prop: URIRef) -> int | None:
    value = g.value(node, prop)
    return int(value) if isinstance(value, Literal) else None


def _cardinality(g: Graph, ps: Node) -> str:
    low, high = _int(g, ps, SH.minCount), _int(g, ps, SH.maxCount)
    qualified = _int(g, ps, SH.qualifiedMinCount)
    if qualified is not None:
        return f"at least {qualified} matching"
    if low and high is not None:
        return f"exactly {low}" if low == high else f"{low} to {high}"
    if low:
        return f"at least {low}"
    return f"at most {high}" if high is not None else "any number"


def _values(g: Graph, ps: Node) -> str:
    words = []
    for prop, text in ((SH.datatype, "of type"), (SH["class"], "each a"), (SH.node, "conforming to")):
        words += [f"{text} {_link(g, v)}" for v in g.objects(ps, prop)]
    for alternatives in g.objects(ps, SH["or"]):
        options = [_link(g, t) for o in Collection(g, alternatives) for t in g.objects(o, SH.datatype)]
        words.append("of type " + " or ".join(options))
    for members in g.objects(ps, SH["in"]):
        words.append("one of " + ", ".join(_link(g, m) for m in Collection(g, members)))
    for qualified in g.objects(ps, SH.qualifiedValueShape):
        for langs in g.objects(qualified, SH.languageIn):
            words.append("in language " + ", ".join(_qname(g, v) for v in Collection(g, langs)))
    if (pattern := g.value(ps, SH.pattern)) is not None:
        words.append(f"matching <code>{escape(str(pattern))}</code>")
    if (low := g.value(ps, SH.minInclusive)) is not None:
        words.append(f"at least {escape(str(low))}")
    if (value := g.value(ps, SH.hasValue)) is not None:
        words.append(f"including {_link(g, value)}")
    if g.value(ps, SH.uniqueLang) == Literal(True):
        words.append("one per language")
    return "; ".join(words)


def _render_scheme(g: Graph, scheme: URIRef) -> str:
    members = set(g.subjects(SKOS.inScheme, scheme))
    tops = {c for c in members if (c, SKOS.topConceptOf, scheme) in g or (scheme, SKOS.hasTopConcept, c) in g}
    tops |= {c for c in members if not any(b in members for b in g.objects(c, SKOS.broader))}
    head = f'<h3 id="{_anchor(g, scheme)}">{_label(g, scheme)} <code>{_qname(g, scheme)}</code></h3>'
    return head + _definition(g, scheme) + _tree(g, sorted(tops, key=str), members)


def _notation(g: Graph, concept: Node) -> str:
    notations = sorted(str(n) for n in g.objects(concept, SKOS.notation))
    codes = ", ".join(f"<code>{escape(n)}</code>" for n in notations)
    return f' <span class="en">code {codes}</span>' if codes else ""


def _tree(g: Graph, concepts: list[Node], members: set[Node]) -> str:
    items = []
    for c in concepts:
        narrower = set(g.objects(c, SKOS.narrower)) | set(g.subjects(SKOS.broader, c))
        areas = ", ".join(_link(g, a) for a in sorted(g.objects(c, SV.strategyArea), key=str))
        note = f'<br><span class="en">Strategy area (editorial): {areas}</span>' if areas else ""
        items.append(
            f'<li id="{_anchor(g, c)}"><strong>{_label(g, c)}</strong>'
            f' <span class="en">/ {_label(g, c, "en")}</span> <code>{_qname(g, c)}</code>{_notation(g, c)}'
            f"<br>{_text(g, c, SKOS.definition, 'en')}{note}"
            f"{_tree(g, sorted(narrower & members, key=str), members)}</li>"
        )
    return f'<ul class="tree">{"".join(items)}</ul>' if items else ""


__all__ = ["read_ontology", "render_reference", "write_reference"]
