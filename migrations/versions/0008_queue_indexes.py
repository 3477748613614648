"""queue indexes: the open review queue in priority order, covering the filter columns

Revision ID: 0008_queue_indexes
Revises: 0007_brand_search
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_queue_indexes'
down_revision = '0007_brand_search'
branch_labels = None
depends_on = None


def upgrade():
    # Partial (open cases only) and covering: bench.queue with 400 000 closed cases beside 100 000
    # open ones read a rare filter (source=cluster&label=spam.gambling) by a sequential scan of the
    # whole table, 90-250 ms; from this index it is an index-only scan of the open cases.
    op.create_index('ix_moderation_cases_open_queue', 'moderation_cases',
                    [sa.literal_column('priority DESC'), sa.literal_column('id DESC')], unique=False,
                    postgresql_where=sa.text('active IS true'),
                    postgresql_include=['state', 'labels', 'sources', 'circle_id', 'assignee_id'])


def downgrade():
    op.drop_index('ix_moderation_cases_open_queue', table_name='moderation_cases',
                  postgresql_where=sa.text('active IS true'))
