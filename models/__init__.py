"""minutebook's model configuration and assets (theme taxonomy, spaCy patterns, nicknames, trained
heads), installed as the package data ``pipeline.models``: read them through
``pipeline.core.resources``, never by a path relative to the source tree."""
