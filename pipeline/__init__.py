"""minutebook: turn written meeting minutes into structured, searchable records.

Nothing heavy is imported here: ``import pipeline`` and ``minutebook --help`` stay instant.
"""

__version__ = "0.1.0"

# Bumped whenever a stage changes what it emits, so an archive can tell stale records apart.
PIPELINE_VERSION = "0.1.0"
SCHEMA_VERSION = "1"
