"""Knowledge layer of a page's text: front matter, metadata, sections, French communes."""
