"""Follow-up cases: every low score and complaint opened as a case, due within the bank's
working days, worked, escalated and measured again."""
