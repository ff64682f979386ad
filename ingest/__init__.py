"""Ingestion: corpus files -> clean, structured chunks -> Chroma + BM25 index.

Imports `foundation` first, which switches off every library's telemetry and hub access, so
any `import ingest.…` does so before chromadb, huggingface or langchain is imported.
"""

import foundation  # noqa: F401
