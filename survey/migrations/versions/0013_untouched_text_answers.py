"""Remove the word "None" stored from untouched open-text boxes.

Until this version an optional text box was pre-filled with the word "None", so a customer
who left it alone sent that word back. An open-text answer that is exactly "None" is that
untouched box, not a comment: it is removed, as the answer was never given. Report rows
hold no open text, so nothing else needs refreshing.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Open-text answers are the only rows with no code and no number (choice answers carry a
    # code; an "other, please specify" text sits beside its code and is left alone).
    op.execute(
        "DELETE FROM answers WHERE value_text = 'None' AND code IS NULL AND value_num IS NULL"
    )


def downgrade() -> None:
    """The removed words were never the customers': nothing to put back."""
