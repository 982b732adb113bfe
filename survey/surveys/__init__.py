"""Surveys and their questionnaire versions, listing and rehearsal state."""
