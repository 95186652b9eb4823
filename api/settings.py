"""Settings from the environment (prefix ``SAMVERKAN_``); the only module that reads it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The project root: data/, ontology/ and the default store live beside the packages.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every option of samverkan, with its default."""

    model_config = SettingsConfigDict(env_prefix="SAMVERKAN_", extra="ignore")

    store: Path | None = Field(
        default=PROJECT_ROOT / "var" / "store",
        description="Directory of the embedded store; empty for an in-memory store.",
    )

    @field_validator("store", mode="before")
    @classmethod
    def _empty_store_is_in_memory(cls, value: Any) -> Any:
        # Path("") is the working directory: an empty SAMVERKAN_STORE once wrote a store into the checkout.
        return None if isinstance(value, str) and not value.strip() else value

    data_dir: Path = PROJECT_ROOT / "data"
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    queries_dir: Path = PROJECT_ROOT / "graph" / "queries"
    docs_dir: Path = PROJECT_ROOT / "docs"
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = Field(default=None, description="Bearer token that allows writes.")
    user: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SAMVERKAN_USER", "USER"),
        description="Who imports, for the history (`samverkan import --by` overrides it).",
    )
    query_timeout: float = Field(default=30.0, gt=0, description="Seconds a query may run.")
    max_results: int = Field(default=100_000, gt=0, description="Rows or triples per answer.")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    # Query workers (api/workers/): processes that evaluate queries on the embedded store on disk.
    query_workers: int = Field(
        default=2, ge=0, description="Idle worker processes kept ready; 0: evaluate in threads, unconfined."
    )
    max_busy_workers: int = Field(default=32, gt=0, description="Queries evaluated at once; others wait.")
    worker_memory_mb: int = Field(
        default=2048, gt=0, description="Memory a query may use beyond the shared copy of the store (MiB)."
    )
    worker_keep_mb: Annotated[int, Field(ge=0)] | Literal["auto"] = Field(
        default="auto",
        description="Memory a worker may have made its own (pages of the shared copy it read, MiB) and still"
        " take the next query; past it, a fresh worker is forked. 0: a fresh worker for every query; auto:"
        " the memory available once the copy has loaded, less one query's allowance and a GiB, shared by"
        " the idle workers and one busy one (at least 512 MiB each).",
    )
    worker_short_of_memory_mb: int = Field(
        default=0,
        ge=0,
        description="While a query runs, the memory the machine must have left (MiB); below it the query is"
        " stopped with a 503. 0 (default): off; when memory runs out, the kernel stops a query worker first.",
    )
    memory_copy: bool = Field(
        default=True, description="Load a copy of the store in memory behind the disk workers (5x faster)."
    )
    warm_pages: bool = Field(
        default=True,
        description="Read the analysis pages' snapshot in the background at start and after each write.",
    )
    name_index: bool = Field(
        default=True,
        description="Keep a text index of the actors' names in memory for the label search within a region"
        " (SQLite FTS5, about 470 MiB per million names; read at start in the background).",
    )
    cors_origins: list[str] = Field(default_factory=list)
    # A remote SPARQL 1.1 server instead of the embedded store (docs/backends.md).
    backend: Literal["embedded", "remote"] = Field(
        default="embedded", description="embedded: Oxigraph at `store`; remote: the SPARQL server below."
    )
    sparql_query_url: str | None = Field(default=None, description="The server's query endpoint.")
    sparql_update_url: str | None = Field(default=None, description="Its update endpoint; none: read-only.")
    sparql_graph_store_url: str | None = Field(
        default=None, description="Its Graph Store HTTP Protocol endpoint, for bulk loads and graph reads."
    )
    sparql_user: str | None = None
    sparql_password: str | None = None
    sparql_auth: Literal["basic", "digest"] = Field(default="basic", description="digest for Virtuoso")
    sparql_time_limit_parameter: str | None = Field(
        default=None,
        description="How the server takes a per-query time limit: timeout={ms} (Virtuoso), timeout={s}.",
    )

    def remote_options(self) -> dict[str, Any]:
        """The remote backend's connection options, as ``open_graph_store`` takes them."""
        return {
            "query_url": self.sparql_query_url,
            "update_url": self.sparql_update_url,
            "graph_store_url": self.sparql_graph_store_url,
            "user": self.sparql_user,
            "password": self.sparql_password,
            "auth_scheme": self.sparql_auth,
            "time_limit_parameter": self.sparql_time_limit_parameter,
        }


@lru_cache
def get_settings() -> Settings:
    """Return the settings read once from the environment."""
    return Settings()


__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]
