"""Moderators' and administrators' pages: accounts, audit log, review queue, anti-spam."""
