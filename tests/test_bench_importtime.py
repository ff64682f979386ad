"""The import-time report `benchmarks.run --profile` writes next to the cold-ask profile."""

from __future__ import annotations

from benchmarks.profiling import importtime_report

SAMPLE = """\
import time: self [us] | cumulative | imported package
import time:       120 |        120 |     langsmith.schemas
import time:      3000 |       3120 |   langchain_core
import time:       500 |        500 |   numpy
import time:      1000 |       4620 | ingest.store
{"answer": "not an import line"}
"""


def test_report_totals_self_times_and_orders_by_cumulative() -> None:
    report = importtime_report(SAMPLE, top=3)
    head = report.splitlines()
    assert head[0] == "imports: 4 modules, 5 ms (sum of self times)"
    ranked = [line.split(maxsplit=1) for line in head[3:6]]
    assert [name for _, name in ranked] == ["ingest.store", "langchain_core", "numpy"]
    assert [float(ms) for ms, _ in ranked] == [4.6, 3.1, 0.5]
    assert head[3].endswith(" ingest.store") and head[4].endswith("   langchain_core")
    assert "raw (children before their parent):" in report and SAMPLE in report
