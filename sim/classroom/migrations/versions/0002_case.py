"""Class mode: a class's "Which disease is it?" case and each student's way through it.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("classes") as t:
        t.add_column(sa.Column("case_token", sa.Text, nullable=True))
        t.add_column(sa.Column("case_kind", sa.String(40), nullable=True))
        t.add_column(sa.Column("case_revealed", sa.Float, nullable=True))
    with op.batch_alter_table("students") as t:
        t.add_column(sa.Column("case_diagnosis", sa.String(40), nullable=True))
        t.add_column(sa.Column("case_treatment", sa.String(40), nullable=True))
    op.create_table(
        "case_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("student_id", sa.Integer, sa.ForeignKey("students.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("test", sa.String(40), nullable=False),
        sa.Column("probs_json", sa.Text, nullable=False),
        sa.Column("updated", sa.Float, nullable=False),
        sa.UniqueConstraint("student_id", "step"),
    )
    op.create_index("ix_case_steps_student_id", "case_steps", ["student_id"])


def downgrade() -> None:
    op.drop_table("case_steps")
    with op.batch_alter_table("students") as t:
        t.drop_column("case_treatment")
        t.drop_column("case_diagnosis")
    with op.batch_alter_table("classes") as t:
        t.drop_column("case_revealed")
        t.drop_column("case_kind")
        t.drop_column("case_token")
