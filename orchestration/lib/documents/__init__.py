"""Landed documents (press releases, reports): reading, front matter, HTML to main text."""
