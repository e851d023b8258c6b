"""Photos and documents: uploads, versions, storage, thumbnails and their place in pages."""
