"""`essaim search …` commands (filled in by the search engine work)."""
