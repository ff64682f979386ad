"""Ingestion: corpus files -> clean, structured chunks -> Chroma + BM25 index.

Importing this package switches off every library's telemetry and hub access before any of
those libraries is imported, so nothing can phone home or fetch a model at run time.
"""

from ingest.offline import enforce_offline_defaults

enforce_offline_defaults()
