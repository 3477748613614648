"""Which tasks consume which outbox topics. The relay reads this table, nothing else does."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Consumer:
    name: str
    task: str
    queue: str
    topics: tuple

    def args(self, event):
        return (event.id,)


CONSUMERS = (
    Consumer("notify", "workers.notify.deliver_notification", "notify",
             ("comment.created", "follow.created")),
)


def consumers_for(topic):
    return [c for c in CONSUMERS if topic in c.topics]
