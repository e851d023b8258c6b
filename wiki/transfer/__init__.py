"""Bring other wikis in (MediaWiki, YesWiki, spreadsheets, Essaim exports), as undoable batches."""
