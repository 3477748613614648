"""moderation text and photo fingerprints

Revision ID: 0003_moderation_fingerprints
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = '0003_moderation_fingerprints'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderation_text_fingerprints',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('content_version', sa.Integer(), nullable=False),
    sa.Column('signature', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_moderation_text_fingerprints_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', name=op.f('pk_moderation_text_fingerprints'))
    )
    op.create_index(op.f('ix_moderation_text_fingerprints_author_id'), 'moderation_text_fingerprints', ['author_id'], unique=False)
    op.create_table('moderation_text_bands',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('band', sa.String(length=24), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_moderation_text_bands_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id', 'band', name=op.f('pk_moderation_text_bands'))
    )
    op.create_index('ix_moderation_text_bands_band', 'moderation_text_bands', ['band'], unique=False)
    op.create_table('moderation_photo_fingerprints',
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('phash', sa.String(length=16), nullable=False),
    sa.Column('chunk0', sa.BigInteger(), nullable=False),
    sa.Column('chunk1', sa.BigInteger(), nullable=False),
    sa.Column('chunk2', sa.BigInteger(), nullable=False),
    sa.Column('chunk3', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['image_id'], ['post_images.id'], name=op.f('fk_moderation_photo_fingerprints_image_id_post_images'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_moderation_photo_fingerprints_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('image_id', name=op.f('pk_moderation_photo_fingerprints'))
    )
    op.create_index(op.f('ix_moderation_photo_fingerprints_post_id'), 'moderation_photo_fingerprints', ['post_id'], unique=False)
    for i in range(4):
        op.create_index(f'ix_moderation_photo_chunk{i}', 'moderation_photo_fingerprints', [f'chunk{i}'], unique=False)


def downgrade():
    op.drop_table('moderation_photo_fingerprints')
    op.drop_table('moderation_text_bands')
    op.drop_table('moderation_text_fingerprints')
