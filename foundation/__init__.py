"""The floor every package stands on: settings, user errors and Dutch text tools.

It imports nothing of Vraagbaak, so `ingest`, `assistant`, `evals`, `ui` and `benchmarks` may
all import it. Importing it switches off every library's telemetry and hub access before any
of those libraries is imported, so nothing can phone home or fetch a model at run time.
"""

from foundation.offline import enforce_offline_defaults

enforce_offline_defaults()
