"""Uploading images that a post will claim."""
from community import media
from community.extensions import db
from community.models import PostImage
from community.services.accounts import ensure_can_write


def upload_image(member, stream):
    ensure_can_write(member)
    processed = media.process_upload(stream)
    image = PostImage(owner_id=member.id, path=processed.path, thumb_path=processed.thumb_path,
                      width=processed.width, height=processed.height, sha256=processed.sha256)
    db.session.add(image)
    db.session.commit()
    return image
