"""Linking documents to the warehouse: partners, threats and dates mentioned in a text.

`gazetteer` builds the names to look for from the partner, threat and alias extracts (plus
country names in English, Spanish and Portuguese from CLDR through babel); `matcher` finds
them in one pass with an Aho-Corasick automaton over case- and accent-folded text, keeping
word boundaries and the original offsets (the linker's ambiguity rules decide names that are
not always the partner); `dates` finds date expressions cheaply and resolves them (dateparser
for relative words);
`threats` finds threats written as an activity near its goods ("tráfico internacional de
droga", "laundering the proceeds", seizure stories); `roles` says whether each partner mention
is an actor, the place of the cooperation or other (an origin, a nationality, a comparison,
part of another name); `linker` puts these together for one document.
"""
