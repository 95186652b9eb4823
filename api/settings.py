"""Settings from the environment (prefix ``SAMVERKAN_``); the only module that reads it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
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
    data_dir: Path = PROJECT_ROOT / "data"
    ontology_dir: Path = PROJECT_ROOT / "ontology"
    queries_dir: Path = PROJECT_ROOT / "graph" / "queries"
    docs_dir: Path = PROJECT_ROOT / "docs"
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = Field(default=None, description="Bearer token that allows writes.")
    query_timeout: float = Field(default=30.0, gt=0, description="Seconds a query may run.")
    max_results: int = Field(default=100_000, gt=0, description="Rows or triples per answer.")
    max_body_bytes: int = Field(default=10 * 1024 * 1024, gt=0)
    cors_origins: list[str] = Field(default_factory=list)


@lru_cache
def get_settings() -> Settings:
    """Return the settings read once from the environment."""
    return Settings()


__all__ = ["PROJECT_ROOT", "Settings", "get_settings"]
