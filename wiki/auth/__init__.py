"""Accounts: registration, login, roles."""
