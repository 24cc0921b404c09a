"""The data contract and loading: schema and vocabularies, dates, readers, rules,
problems, the loader, countries, coverage, provenance. Imports no other part.
"""
