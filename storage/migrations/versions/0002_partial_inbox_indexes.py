"""inbox: partial indexes over open tasks instead of (assignee, state, due_at)

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OPEN = sa.text("state = 'open'")


def upgrade() -> None:
    op.drop_index("ix_task_user_inbox", table_name="task")
    op.drop_index("ix_task_group_inbox", table_name="task")
    op.create_index("ix_task_open_user_due", "task", ["assignee_user_id", "due_at", "id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)
    op.create_index("ix_task_open_group_due", "task", ["assignee_group_id", "due_at", "id"],
                    postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index("ix_task_open_group_due", table_name="task")
    op.drop_index("ix_task_open_user_due", table_name="task")
    op.create_index("ix_task_group_inbox", "task", ["assignee_group_id", "state", "due_at"])
    op.create_index("ix_task_user_inbox", "task", ["assignee_user_id", "state", "due_at"])
