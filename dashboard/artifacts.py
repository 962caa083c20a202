"""Pure rules of the artifact browser: the tree rows, which preview a file gets, safe paths."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import PurePosixPath

from dashboard.errors import ConfigurationError, DashboardError
from dashboard.registry import ArtifactFile, ArtifactStore, ModelVersionRecord

DEFAULT_PREVIEW_MAX_BYTES = 5 * 1024 * 1024
PREVIEW_KINDS = {
    ".png": "image", ".jpg": "image", ".jpeg": "image", ".gif": "image", ".svg": "svg",
    ".txt": "text", ".log": "text", ".py": "text", ".cfg": "text", ".ini": "text",
    ".md": "markdown", ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".csv": "csv",
}  # fmt: skip
NAMED_KINDS = {"MLmodel": "yaml", "requirements.txt": "text", "LICENSE": "text"}


@dataclass(frozen=True)
class TreeRow:
    """One line of the tree: a folder or a file, indented by depth."""

    path: str
    name: str
    depth: int
    is_folder: bool
    size: int | None


def preview_max_bytes() -> int:
    raw = os.environ.get("DASHBOARD_PREVIEW_MAX_BYTES", "").strip()
    if not raw:
        return DEFAULT_PREVIEW_MAX_BYTES
    if not raw.isdigit():
        raise ConfigurationError(
            f"DASHBOARD_PREVIEW_MAX_BYTES must be a number of bytes, not {raw!r}."
        )
    return int(raw)


def model_store(version: ModelVersionRecord) -> ArtifactStore | None:
    """Where `models:/name/version` files live: the logged model, or the run's model folder."""
    if version.logged_model_id:
        return ArtifactStore("model", version.logged_model_id)
    if version.source.startswith("runs:/") and version.run_id:
        root = version.source.removeprefix(f"runs:/{version.run_id}").strip("/")
        return ArtifactStore("run", version.run_id, root)
    return None


def tree_rows(files: list[ArtifactFile]) -> list[TreeRow]:
    """Folders then their contents, depth first, every folder shown once with its total size."""
    folder_sizes: dict[str, int] = {}
    for file in files:
        parents = PurePosixPath(file.path).parents
        for parent in list(parents)[:-1]:
            folder_sizes[str(parent)] = folder_sizes.get(str(parent), 0) + (file.size or 0)
    entries = [(f"{folder}/", True, size) for folder, size in folder_sizes.items()]
    entries += [(file.path, False, file.size) for file in files]
    rows = []
    for path, is_folder, size in sorted(entries, key=lambda e: e[0].rstrip("/").split("/")):
        parts = path.rstrip("/").split("/")
        rows.append(TreeRow(path.rstrip("/"), parts[-1], len(parts) - 1, is_folder, size))
    return rows


def preview_kind(path: str) -> str | None:
    """image, svg, text, markdown, yaml, json or csv; None for files shown only as downloads."""
    name = PurePosixPath(path).name
    return NAMED_KINDS.get(name) or PREVIEW_KINDS.get(PurePosixPath(name).suffix.lower())


def checked_path(requested: str, files: list[ArtifactFile]) -> ArtifactFile:
    """The listed file a URL asks for; anything else is refused before a byte is fetched."""
    path = PurePosixPath(requested)
    if not requested or path.is_absolute() or ".." in path.parts or "\\" in requested:
        raise DashboardError(
            f"The file path {requested!r} is not allowed: give a path inside "
            "the listing, without '..' or a leading '/'."
        )
    for file in files:
        if file.path == requested:
            return file
    raise DashboardError(f"There is no file {requested!r} in this listing.")


def human_size(size: int | None) -> str:
    if size is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"
