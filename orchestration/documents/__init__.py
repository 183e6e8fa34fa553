"""Documents: reading press releases and reports, linking them to partners, threats and dates,
and the review queue that turns a person's yes into a curated fact."""
