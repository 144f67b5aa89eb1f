"""Phiếu B: causes of poverty and support needs per assessment

Revision ID: 0006_causes
Revises: 0005_office
Create Date: 2026-11-27 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_causes"
down_revision = "0005_office"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing assessments get no answers ("" and NULL), which is what they had.
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("causes", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("main_cause", sa.String(length=24), nullable=True))
        batch_op.add_column(
            sa.Column("support_needs", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("support_needs")
        batch_op.drop_column("main_cause")
        batch_op.drop_column("causes")
