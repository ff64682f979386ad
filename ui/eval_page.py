"""Maintainers' page: how good are the answers now, did the last change help, and which
questions go wrong. Plus the staff feedback export, since both answer "where to look next".
An eval can be started here too (ui/eval_launch.py), and every run is compared with the
committed baseline by the gate's own rule.

A page script run by st.navigation in ui/app.py, not a module to import. It lives outside a
`pages/` folder on purpose: Streamlit would also serve such a folder as old-style pages,
without the router around them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from evals.cli import DEFAULT_BASELINE
from foundation.settings import Settings
from ui.eval_data import (
    ANSWER_KEYS,
    HEADLINES,
    RETRIEVAL_KEYS,
    baseline_view,
    failed_questions,
    format_delta,
    format_metric,
    history,
    list_runs,
    load_baseline,
    load_run,
    long_table,
    metric_table,
    run_label,
)
from ui.eval_launch import render_launcher
from ui.feedback import export_bytes, feedback_path, read_feedback
from ui.page_logic import MODE_LABELS

st.set_page_config(page_title="Evaluaties — Vraagbaak", layout="wide")


def grouped_bars(table: dict[str, dict[str, float]], keys: tuple[str, ...]) -> alt.Chart:
    """Metrics side by side per group, in a fixed order (st.bar_chart sorts hit@10 before
    hit@3)."""
    data = pd.DataFrame(long_table(table, keys))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("groep:N", title=None, axis=alt.Axis(labelAngle=-20, labelLimit=200)),
            xOffset=alt.XOffset("maat:N", sort=list(keys)),
            y=alt.Y("waarde:Q", title="score (0–1)", scale=alt.Scale(domain=[0, 1])),
            color=alt.Color("maat:N", sort=list(keys), title="maat"),
            tooltip=["groep", "maat", alt.Tooltip("waarde:Q", format=".3f")],
        )
        .properties(height=320)
    )


def render_baseline(data: dict) -> None:
    """The selected run against evals/baseline.json, by the rule of `vraagbaak eval
    --compare`."""
    st.subheader("Vergelijking met de baseline")
    baseline = load_baseline(DEFAULT_BASELINE)
    if baseline is None:
        st.caption(f"Geen leesbare baseline gevonden (`{DEFAULT_BASELINE.name}`).")
        return
    view = baseline_view(data, baseline)
    base_meta = baseline.get("meta") or {}
    st.caption(
        f"Baseline `evals/{DEFAULT_BASELINE.name}`: "
        f"{baseline['metrics'].get('n_questions', '?')} vragen, "
        f"code `{base_meta.get('code_version') or '?'}`, "
        f"{str(base_meta.get('date') or '?')[:10]}."
    )
    if view.regressions:
        st.error(
            "Achteruit ten opzichte van de baseline, buiten de marge: "
            + ", ".join(view.regressions)
            + ".",
            icon=":material/trending_down:",
        )
    else:
        st.success(
            "Geen achteruitgang ten opzichte van de baseline buiten de marges.",
            icon=":material/verified:",
        )
    st.table(pd.DataFrame(view.rows).set_index("Maat"))
    for note in view.notes:
        st.caption(note)


st.title("Evaluaties")
st.caption(
    "Voor beheerders: de uitkomsten van `vraagbaak eval` op de vaste vragenset, en de "
    "feedback van medewerkers."
)

settings = Settings.from_env()
job = render_launcher(settings)
folder = settings.reports_dir
loaded = [(p, d) for p in list_runs(folder) if (d := load_run(p)) is not None]

if not loaded and job is not None and job.running:
    st.info("Nog geen evaluaties: de eerste loopt nu.", icon=":material/inbox:")
elif not loaded:
    st.info(
        "Nog geen evaluaties: start er hierboven een, of draai "
        f"`vraagbaak eval --report evals/reports` (gezocht in `{folder}`).",
        icon=":material/inbox:",
    )
else:
    labels = [run_label(p, d) for p, d in loaded]
    choice = st.selectbox(
        "Evaluatierun", options=list(range(len(loaded)))[::-1], format_func=labels.__getitem__
    )
    path, data = loaded[choice]
    previous = loaded[choice - 1][1] if choice > 0 else None
    metrics, meta = data["metrics"], data.get("meta") or {}

    facts = [
        f"vragenset `{meta.get('qa_file', '?')}`",
        f"model `{meta.get('embedding_model') or '?'}`",
        f"code `{meta.get('code_version') or '?'}`",
    ]
    if previous is None:
        facts.append("geen eerdere run om mee te vergelijken")
    st.caption(" · ".join(facts))

    st.subheader("Kerncijfers")
    cols = st.columns(5)
    for i, h in enumerate(HEADLINES):
        before = (previous or {}).get("metrics", {}).get(h.key) if previous else None
        cols[i % 5].metric(
            h.label,
            format_metric(metrics.get(h.key), h.kind),
            delta=format_delta(metrics.get(h.key), before, h.kind),
            delta_color="normal" if h.higher_is_better else "inverse",
            help=f"`{h.key}`" + (", verschil met de vorige run" if previous else ""),
        )

    render_baseline(data)

    left, right = st.columns(2)
    with left:
        st.subheader("Vinden, per vraagtype")
        by_type = metric_table(metrics, RETRIEVAL_KEYS, data.get("by_type"))
        if by_type:
            st.altair_chart(grouped_bars(by_type, RETRIEVAL_KEYS), use_container_width=True)
    with right:
        st.subheader("Antwoorden en bronnen, per document")
        by_doc = metric_table(metrics, ANSWER_KEYS, data.get("by_doc"))
        if by_doc:
            st.altair_chart(grouped_bars(by_doc, ANSWER_KEYS), use_container_width=True)
    if len(loaded) > 1:
        st.subheader("Verloop over de runs")
        trend = pd.DataFrame(history(loaded, ("hit@5", "mrr@10", "citation_precision"))).T
        st.line_chart(trend)

    rows = failed_questions(data)
    st.subheader(f"Fouten: {len(rows)} van {len(data.get('questions') or [])} vragen")
    for row in rows:
        with st.expander(f"{row['id']} ({row['type']}) — {row['reden']}"):
            st.markdown("**Vraag**")
            st.text(row["vraag"])
            st.markdown("**Verwacht citaat**")
            st.text(row["verwacht citaat"])
            st.markdown("**Wat terugkwam**")
            st.text(row["antwoord"] or "(leeg)")
    if not rows:
        st.success("Geen fouten in deze run.")

    html_name = (data.get("files") or {}).get("html")
    html_file = folder / html_name if html_name else None
    if html_file and html_file.is_file():
        st.download_button(
            "HTML-rapport van deze run",
            icon=":material/download:",
            data=html_file.read_bytes(),
            file_name=html_file.name,
            mime="text/html",
        )

st.divider()
st.subheader("Feedback van medewerkers")
db = feedback_path(settings.home)
try:
    entries = read_feedback(db)
except Exception as exc:  # a damaged file must not hide the eval results above
    st.error(f"Het feedbackbestand `{db}` kon niet worden gelezen: {exc}")
    entries = []
if not entries:
    st.caption(f"Nog geen feedback (bestand: `{db}`).")
else:
    up = sum(1 for e in entries if e["rating"] == "up")
    noun = "beoordeling" if len(entries) == 1 else "beoordelingen"
    st.write(f"{len(entries)} {noun}: {up} × duim omhoog, {len(entries) - up} × duim omlaag")
    columns = {
        "updated_at": "Tijdstip (UTC)",
        "rating": "Oordeel",
        "question": "Vraag",
        "comment": "Toelichting",
        "mode": "Modus",
    }
    recent = pd.DataFrame(entries[::-1])[list(columns)]
    recent["rating"] = recent["rating"].map({"up": "nuttig", "down": "niet nuttig"})
    recent["mode"] = recent["mode"].map(lambda m: MODE_LABELS.get(m, m))
    recent["updated_at"] = recent["updated_at"].str.slice(0, 16).str.replace("T", " ")
    st.dataframe(recent.head(50).rename(columns=columns), hide_index=True, use_container_width=True)
    c1, c2 = st.columns(2)
    c1.download_button(
        "Feedback (JSON Lines)",
        icon=":material/download:",
        data=export_bytes(db, "jsonl"),
        file_name="feedback.jsonl",
        mime="application/jsonl",
        use_container_width=True,
    )
    c2.download_button(
        "Feedback (CSV)",
        icon=":material/download:",
        data=export_bytes(db, "csv"),
        file_name="feedback.csv",
        mime="text/csv",
        use_container_width=True,
    )
