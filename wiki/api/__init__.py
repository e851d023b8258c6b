"""The JSON API under /api/v1 (reads open to all, writes with a personal token), described by
/api/v1/openapi.json."""
