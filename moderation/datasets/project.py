"""The project-written labelled set (moderation/data/project_labelled.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

from moderation.datasets.example import Example
from moderation.labels import COMPLAINT_CATEGORIES, LABELS, SEVERITIES


class ProjectDataError(ValueError):
    """A line of the project-written set does not follow the documented format."""


def load_project(path: Path) -> list[Example]:
    """Every label is known for a project-written example: listed ones are 1, the others 0."""
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ProjectDataError(f"{path}:{number}: {error}") from error
            unknown = set(row.get("labels", [])) - set(LABELS)
            if unknown or not row.get("text"):
                raise ProjectDataError(f"{path}:{number}: bad labels {sorted(unknown)} or empty text")
            complaint = row.get("complaint") or {}
            category, severity = complaint.get("category"), complaint.get("severity")
            if category is not None and category not in COMPLAINT_CATEGORIES:
                raise ProjectDataError(f"{path}:{number}: unknown complaint category {category!r}")
            if severity is not None and severity not in SEVERITIES:
                raise ProjectDataError(f"{path}:{number}: unknown severity {severity!r}")
            examples.append(
                Example(
                    uid=f"project:{row['id']}",
                    source="project",
                    text=row["text"],
                    labels={label: int(label in row["labels"]) for label in LABELS},
                    category=category,
                    severity=severity,
                    meta={"post_type": row.get("post_type")},
                )
            )
    return examples
