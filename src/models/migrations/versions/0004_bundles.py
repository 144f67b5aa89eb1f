"""field bundles: reviewers, assignments, bundles, field-level merge state

Revision ID: 0004_bundles
Revises: 0003_excel
Create Date: 2026-11-25 19:09:59.437703
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_bundles"
down_revision = "0003_excel"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("reviewer", sa.String(length=32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("counter_from", sa.Integer(), nullable=False),
        sa.Column("counter_to", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_files")),
    )
    with op.batch_alter_table("field_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_field_files_reviewer"), ["reviewer"], unique=False)
        batch_op.create_index(batch_op.f("ix_field_files_uid"), ["uid"], unique=False)

    op.create_table(
        "field_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_keys")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_field_keys_fingerprint")),
    )
    op.create_table(
        "reviewers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("code_prefix", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.Text(), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("max_counter", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_reviewers_commune_id_communes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewers")),
        sa.UniqueConstraint("commune_id", "code", name="uq_reviewers_commune_code"),
        sa.UniqueConstraint("commune_id", "code_prefix", name="uq_reviewers_commune_prefix"),
        sa.UniqueConstraint("key_fingerprint", name=op.f("uq_reviewers_key_fingerprint")),
        sa.UniqueConstraint("source", name=op.f("uq_reviewers_source")),
    )
    op.create_table(
        "reviewer_households",
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["reviewers.id"],
            name=op.f("fk_reviewer_households_reviewer_id_reviewers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reviewer_id", "code", name=op.f("pk_reviewer_households")),
    )
    op.create_table(
        "sync_households",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("synced_version", sa.Integer(), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("field_values", sa.Text(), nullable=False),
        sa.Column("registers", sa.Text(), nullable=False),
        sa.Column("conflicts", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=80), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"],
            ["communes.id"],
            name=op.f("fk_sync_households_commune_id_communes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["households.id"],
            name=op.f("fk_sync_households_household_id_households"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_households")),
        sa.UniqueConstraint("commune_id", "code", name=op.f("uq_sync_households_commune_id")),
    )
    with op.batch_alter_table("sync_households", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sync_households_conflicts"), ["conflicts"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sync_households_household_id"), ["household_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_households", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_households_household_id"))
        batch_op.drop_index(batch_op.f("ix_sync_households_conflicts"))

    op.drop_table("sync_households")
    op.drop_table("reviewer_households")
    op.drop_table("reviewers")
    op.drop_table("field_keys")
    with op.batch_alter_table("field_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_field_files_uid"))
        batch_op.drop_index(batch_op.f("ix_field_files_reviewer"))

    op.drop_table("field_files")
