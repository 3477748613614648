"""Which tasks consume which outbox topics. The relay reads this table, nothing else does."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Consumer:
    name: str
    task: str
    queue: str
    topics: tuple

    by_subject: bool = False

    def args(self, event):
        # Subject consumers take (id, version) so a task can tell a stale event from the current text.
        if self.by_subject:
            return (event.aggregate_id, event.payload.get("version"))
        return (event.id,)


CONSUMERS = (
    Consumer("notify", "workers.notify.deliver_notification", "notify",
             ("comment.created", "follow.created")),
    Consumer("classify", "workers.moderation.classify_post", "moderation",
             ("post.created", "post.updated"), by_subject=True),
    Consumer("complaints", "workers.complaints.route_complaint", "moderation", ("verdict.recorded",)),
    Consumer("review", "workers.review.open_cases", "moderation", ("verdict.recorded", "report.filed")),
    # Every topic that changes what the search index holds for a post (text, products, visibility,
    # the verified badge); likes and comments reach it through the periodic engagement refresh.
    Consumer("search", "workers.search.index_post", "search",
             ("post.created", "post.updated", "post.deleted", "post.visibility_changed",
              "post.verification_changed"), by_subject=True),
    # The author's creator level is in each of their posts' documents.
    Consumer("search_author", "workers.search.index_member_posts", "search", ("member.profile_changed",),
             by_subject=True),
)


def consumers_for(topic):
    return [c for c in CONSUMERS if topic in c.topics]
