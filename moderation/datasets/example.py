"""One labelled text, whatever its source, in our label vocabulary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Example:
    """A labelled text.

    ``labels`` holds only the labels the source tells us about: 1 or 0. A label that is absent is
    unknown for this example and is left out of training and evaluation for that label (an SMS
    says nothing about ``fake.review``). ``group`` keeps near-duplicates and items of one product
    on the same side of every split.
    """

    uid: str
    source: str
    text: str
    labels: dict[str, int]
    category: str | None = None
    severity: str | None = None
    group: str | None = None
    split: str | None = None
    meta: dict = field(default_factory=dict)

    def positive(self) -> list[str]:
        return sorted(label for label, value in self.labels.items() if value == 1)
