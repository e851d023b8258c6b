"""The wiki as a knowledge base: themes, territories, map, researcher views and the link graph."""
