"""Answer-quality evals: fixed Q&A set, metrics, report, regression gate."""
