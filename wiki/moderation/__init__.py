"""Moderation: hiding, deleting and protecting, the review queue, and the audit log."""
