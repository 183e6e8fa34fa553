"""Linking documents to the warehouse: partners, threats and dates mentioned in a text.

`gazetteer` builds the names to look for from the partner, threat and alias extracts (plus
country names in English, Spanish and Portuguese from CLDR through babel); `matcher` finds
them in one pass with an Aho-Corasick automaton over case- and accent-folded text, keeping
word boundaries and the original offsets; `ambiguity` holds the rules for names that are not
always the partner; `dates` finds date expressions cheaply and resolves them with dateparser;
`linker` puts these together for one document.
"""
