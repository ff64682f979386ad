"""Assistant: cited Dutch answers over the ingest index, in stages (assistant/stages/)."""
