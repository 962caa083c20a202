"""Lifecycle backends: where a version's stage lives (MLflow stages, or aliases plus a tag).

`stage_of` reads a version's stage the same way for both, so pages show them alike; `move`
writes a stage change through the registry service.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Protocol

from dashboard.policy import Lifecycle
from dashboard.registry import ModelDetail, ModelVersionRecord, RegistryService


class LifecycleBackend(Protocol):
    name: str

    def stage_of(self, version: ModelVersionRecord) -> str: ...

    def move(
        self, registry: RegistryService, detail: ModelDetail, version: int, target: str
    ) -> None: ...


class StagesBackend:
    """MLflow's (deprecated, still used) stages None, Staging, Production, Archived."""

    name = "stages"

    def stage_of(self, version: ModelVersionRecord) -> str:
        return version.stage

    def move(
        self, registry: RegistryService, detail: ModelDetail, version: int, target: str
    ) -> None:
        registry.transition_stage(
            detail.model.name, version, target, archive_existing=target == "Production"
        )


class AliasesBackend:
    """Production and Staging as aliases (moved atomically by MLflow), Archived as a tag."""

    name = "aliases"

    def __init__(self, lifecycle: Lifecycle) -> None:
        self.production = lifecycle.production_alias
        self.staging = lifecycle.staging_alias
        self.archived_tag = lifecycle.archived_tag

    def stage_of(self, version: ModelVersionRecord) -> str:
        if self.production in version.aliases:
            return "Production"
        if self.staging in version.aliases:
            return "Staging"
        if version.tags.get(self.archived_tag) == "true":
            return "Archived"
        return "None"

    def move(
        self, registry: RegistryService, detail: ModelDetail, version: int, target: str
    ) -> None:
        name = detail.model.name
        record = detail.version(version)
        previous_production = detail.model.aliases.get(self.production)
        if target == "Production":
            registry.set_alias(name, self.production, version)  # the one write that switches
            if previous_production is not None and previous_production != version:
                registry.set_version_tag(name, previous_production, self.archived_tag, "true")
        elif target == "Staging":
            registry.set_alias(name, self.staging, version)
        for alias in (self.production, self.staging):
            if alias in record.aliases and alias != _alias_for(self, target):
                registry.delete_alias(name, alias)
        if target == "Archived":
            registry.set_version_tag(name, version, self.archived_tag, "true")
        elif record.tags.get(self.archived_tag):
            registry.delete_version_tag(name, version, self.archived_tag)


def _alias_for(backend: AliasesBackend, stage: str) -> str | None:
    return {"Production": backend.production, "Staging": backend.staging}.get(stage)


def backend_for(lifecycle: Lifecycle) -> LifecycleBackend:
    return AliasesBackend(lifecycle) if lifecycle.backend == "aliases" else StagesBackend()


def present(detail: ModelDetail, backend: LifecycleBackend) -> ModelDetail:
    """The same model with each version's stage read through the backend."""
    return ModelDetail(detail.model, present_versions(detail.versions, backend))


def present_versions(
    versions: list[ModelVersionRecord], backend: LifecycleBackend
) -> list[ModelVersionRecord]:
    if isinstance(backend, StagesBackend):
        return versions
    return [replace(version, stage=backend.stage_of(version)) for version in versions]
