"""search index state: what the index last got for each post

Revision ID: 0005_search_index_state
Revises: 0004_review_cases
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_search_index_state'
down_revision = '0004_review_cases'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_index_state',
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('digest', sa.String(length=40), nullable=False),
    sa.Column('visible', sa.Boolean(), nullable=False),
    sa.Column('likes', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.Column('indexed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('post_id')
    )


def downgrade():
    op.drop_table('search_index_state')
