"""brand complaints and official replies

Revision ID: 0006_complaints
Revises: 0005_search_index_state
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0006_complaints'
down_revision = '0005_search_index_state'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderation_complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=24), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('verdict_id', sa.Integer(), nullable=True),
    sa.Column('content_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('answer_note', sa.Text(), nullable=False),
    sa.Column('reply_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_moderation_complaints_brand_id_brands')),
    sa.ForeignKeyConstraint(['handled_by_id'], ['members.id'], name=op.f('fk_moderation_complaints_handled_by_id_members')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_moderation_complaints_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_moderation_complaints_product_id_products')),
    sa.ForeignKeyConstraint(['verdict_id'], ['moderation_verdicts.id'], name=op.f('fk_moderation_complaints_verdict_id_moderation_verdicts'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_complaints')),
    sa.UniqueConstraint('post_id', name=op.f('uq_moderation_complaints_post_id'))
    )
    with op.batch_alter_table('moderation_complaints', schema=None) as batch_op:
        batch_op.create_index('ix_moderation_complaints_inbox', ['brand_id', 'state', 'due_at'], unique=False)
        batch_op.create_index('ix_moderation_complaints_sla', ['state', 'escalated_at', 'due_at'], unique=False)

    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('official', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('brand_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_comments_brand_id_brands'), 'brands', ['brand_id'], ['id'])



def downgrade():
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_comments_brand_id_brands'), type_='foreignkey')
        batch_op.drop_column('brand_id')
        batch_op.drop_column('official')

    with op.batch_alter_table('moderation_complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_moderation_complaints_sla')
        batch_op.drop_index('ix_moderation_complaints_inbox')

    op.drop_table('moderation_complaints')
