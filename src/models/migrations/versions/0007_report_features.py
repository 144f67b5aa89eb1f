"""Report features on the assessment: office_features becomes columns of assessments

Revision ID: 0007_report_features
Revises: 0006_causes
Create Date: 2026-11-28 09:00:00

A receiving office stored what its consolidated reports count of each household in a table of
its own, one row per assessment. Intake now writes them on the assessment itself (5,000 rows
fewer, with their key and foreign-key checks, per 5,000-household package); the rows an office
already holds move over unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_report_features"
down_revision = "0006_causes"
branch_labels = None
depends_on = None

# (column on assessments, column of office_features, type)
COLUMNS = (
    ("report_members", "members", sa.Integer()),
    ("report_farm", "farm", sa.Boolean()),
    ("report_ethnicity", "ethnicity", sa.String(length=60)),
    ("report_female_head", "female_head", sa.Boolean()),
    ("report_no_labour", "no_labour", sa.Boolean()),
    ("report_children", "children", sa.Integer()),
    ("report_children_health", "children_health", sa.Integer()),
    ("report_children_school", "children_school", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        for name, _old, kind in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
    # A row-value UPDATE: the same statement on SQLite (3.15 and later) and PostgreSQL.
    targets = ", ".join(name for name, _old, _kind in COLUMNS)
    sources = ", ".join(f"f.{old}" for _name, old, _kind in COLUMNS)
    op.execute(
        f"UPDATE assessments SET ({targets}) = "
        f"(SELECT {sources} FROM office_features f WHERE f.assessment_id = assessments.id) "
        "WHERE id IN (SELECT assessment_id FROM office_features)"
    )
    op.drop_table("office_features")


def downgrade() -> None:
    op.create_table(
        "office_features",
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        *(sa.Column(old, kind, nullable=False) for _name, old, kind in COLUMNS),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_office_features_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("assessment_id", name=op.f("pk_office_features")),
    )
    targets = ", ".join(old for _name, old, _kind in COLUMNS)
    sources = ", ".join(name for name, _old, _kind in COLUMNS)
    op.execute(
        f"INSERT INTO office_features (assessment_id, {targets}) "
        f"SELECT id, {sources} FROM assessments WHERE report_members IS NOT NULL"
    )
    # Plain DROP COLUMN (SQLite 3.35 and later, PostgreSQL): no copy of the whole table, as
    # SQLite's batch mode would make.
    for name, _old, _kind in reversed(COLUMNS):
        op.execute(f"ALTER TABLE assessments DROP COLUMN {name}")
