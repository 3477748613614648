"""brand search: shortlists of creators (partnership requests are collaborations)

Revision ID: 0007_brand_search
Revises: 0006_complaints
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_brand_search'
down_revision = '0006_complaints'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('brand_shortlists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_brand_shortlists_brand_id_brands'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_brand_shortlists_created_by_id_members'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_brand_shortlists')),
    sa.UniqueConstraint('brand_id', 'name', name=op.f('uq_brand_shortlists_brand_id'))
    )
    op.create_index(op.f('ix_brand_shortlists_brand_id'), 'brand_shortlists', ['brand_id'], unique=False)
    op.create_table('brand_shortlist_entries',
    sa.Column('shortlist_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['added_by_id'], ['members.id'], name=op.f('fk_brand_shortlist_entries_added_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['creator_id'], ['members.id'], name=op.f('fk_brand_shortlist_entries_creator_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shortlist_id'], ['brand_shortlists.id'], name=op.f('fk_brand_shortlist_entries_shortlist_id_brand_shortlists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('shortlist_id', 'creator_id', name=op.f('pk_brand_shortlist_entries'))
    )
    op.create_index(op.f('ix_brand_shortlist_entries_creator_id'), 'brand_shortlist_entries', ['creator_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_brand_shortlist_entries_creator_id'), table_name='brand_shortlist_entries')
    op.drop_table('brand_shortlist_entries')
    op.drop_index(op.f('ix_brand_shortlists_brand_id'), table_name='brand_shortlists')
    op.drop_table('brand_shortlists')
