"""Fetching documents from official newsrooms (feeds, sitemaps, listing pages) into
``raw/documents/<folder>/``, politely and safely; see README.md beside this file."""
