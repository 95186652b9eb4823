import pytest

from graph.errors import ForbiddenOperationError
from graph.store.guard import check_query, check_update


@pytest.mark.parametrize(
    "query",
    [
        pytest.param("SELECT * WHERE { SERVICE <http://127.0.0.1:8890/sparql> { ?s ?p ?o } }", id="loopback"),
        pytest.param("SELECT * WHERE { service <http://10.0.0.1/> { ?s ?p ?o } }", id="lowercase-private"),
        pytest.param("SELECT * WHERE { SERVICE SILENT <http://x/> { ?s ?p ?o } }", id="silent"),
        pytest.param("SELECT * WHERE {SERVICE<http://x/>{?s ?p ?o}}", id="no-spaces"),
        pytest.param("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", id="variable-endpoint"),
        pytest.param("SELECT * WHERE { ?s ?p 1SERVICE <http://x/> { } }", id="glued-to-number"),
        pytest.param("SELECT * WHERE { # c\rSERVICE <http://x/> { } }", id="comment-ended-by-cr"),
        pytest.param("SELECT * WHERE { ?s ?p 1 SERVICESILENT<http://x/> { } }", id="glued-silent"),
        # Oxigraph reads `service:x` in a group as SERVICE and the IRI `:x`: prefixes may not start so.
        pytest.param("PREFIX : <http://x/> SELECT * WHERE { ?s ?p 1 service:x { } }", id="prefix-name"),
        pytest.param(
            'SELECT * WHERE { BIND("\\u0022" AS ?a) BIND(<http://e/\\u0041#> AS ?b) SERVICE <http://x/> {} }',
            id="escapes",
        ),
        pytest.param("SELECT * WHERE { FILTER(?a<1)SERVICE:x#>\n{ } }", id="less-than-or-iri"),
    ],
)
def test_check_query_refuses_service(query):
    with pytest.raises(ForbiddenOperationError, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param('SELECT * WHERE { ?s ?p "SERVICE <http://x/>" }', id="in-string"),
        pytest.param("SELECT * WHERE { ?s ?p <http://example.org/SERVICE> }", id="in-iri"),
        pytest.param("SELECT ?service WHERE { ?s ?p ?service } # SERVICE <x>", id="variable-and-comment"),
        pytest.param("PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:service ?service }", id="local-name"),
        pytest.param(
            "SELECT * WHERE { ?s ?p ?o FILTER(?o != <http://x/#service>) }", id="iri-after-operator"
        ),
        pytest.param('SELECT * WHERE { ?s ?p """multi\nSERVICE line""" }', id="long-string"),
    ],
)
def test_check_query_allows_the_word_elsewhere(query):
    check_query(query)


@pytest.mark.parametrize(
    "update",
    [
        pytest.param("LOAD <file:///etc/passwd>", id="file"),
        pytest.param("LOAD SILENT <http://127.0.0.1/x.ttl> INTO GRAPH <http://g>", id="http-into"),
        pytest.param("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x/> { ?s ?p ?o } }", id="service-in-where"),
    ],
)
def test_check_update_refuses_load_and_service(update):
    with pytest.raises(ForbiddenOperationError, match=r"LOAD|SERVICE"):
        check_update(update)
