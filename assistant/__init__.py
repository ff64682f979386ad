"""Assistant: hybrid retrieval over the ingest index and cited Dutch answers."""
