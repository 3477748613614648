"""The project-written labelled set (moderation/data/project_labelled.jsonl)."""

from __future__ import annotations

import json
from pathlib import Path

from moderation.datasets.example import Example
from moderation.labels import COMPLAINT_CATEGORIES, LABELS, SEVERITIES


class ProjectDataError(ValueError):
    """A line of the project-written set does not follow the documented format."""


def load_project(path: Path, source: str = "project") -> list[Example]:
    """Listed labels are 1, the others 0: every label is known for a project-written example.

    A line may narrow that with ``known`` (the labels it speaks for; the rest are unknown), as the
    moderators' decisions exported by `moderation.export` do. ``source`` names the set in the
    uids, the weights and the per-source thresholds ("decisions" for the exported decisions).
    """
    examples: list[Example] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as error:
                raise ProjectDataError(f"{path}:{number}: {error}") from error
            known = row.get("known", LABELS)
            unknown = (set(row.get("labels", [])) | set(known)) - set(LABELS)
            if unknown or not row.get("text") or not set(row.get("labels", [])) <= set(known):
                raise ProjectDataError(f"{path}:{number}: bad labels {sorted(unknown)}, a label outside known, or empty text")
            complaint = row.get("complaint") or {}
            category, severity = complaint.get("category"), complaint.get("severity")
            if category is not None and category not in COMPLAINT_CATEGORIES:
                raise ProjectDataError(f"{path}:{number}: unknown complaint category {category!r}")
            if severity is not None and severity not in SEVERITIES:
                raise ProjectDataError(f"{path}:{number}: unknown severity {severity!r}")
            examples.append(
                Example(
                    uid=f"{source}:{row['id']}",
                    source=source,
                    text=row["text"],
                    labels={label: int(label in row["labels"]) for label in LABELS if label in known},
                    category=category,
                    severity=severity,
                    meta={"post_type": row.get("post_type")},
                )
            )
    return examples
