"""Responses: taking answers on a link or a call, invitations, contact rules, quotas, export."""
