"""Entry point of the Streamlit page (`vraagbaak ui` runs this file).

A router only: staff land on the chat; the documents and, for maintainers, the evaluations
are next to it. The chat and documents pages are function pages so
AppTest.from_file("ui/app.py") exercises the real pages.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run ui/app.py` puts only ui/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

import foundation  # noqa: E402,F401  (offline defaults before any library is imported)
from ui.chat_page import render_chat  # noqa: E402
from ui.documents_page import render_documents  # noqa: E402
from ui.style import apply_style  # noqa: E402

# No layout here: each page sets its own. With a layout here too, Streamlit (1.67) shows
# this one instead of the page's after a rerun that a fragment starts (the eval page's
# progress bar), and the wide eval page would jump to centered when its run is done.
st.set_page_config(
    page_title="Vraagbaak — zorg en veiligheid & ondermijning",
    page_icon=":material/menu_book:",
    initial_sidebar_state="expanded",
)
apply_style()

page = st.navigation(
    [
        st.Page(
            render_chat,
            title="Vraagbaak",
            icon=":material/chat:",
            url_path="vraagbaak",
            default=True,
        ),
        st.Page(
            render_documents,
            title="Documenten",
            icon=":material/description:",
            url_path="documenten",
        ),
        st.Page(
            str(Path(__file__).parent / "eval_page.py"),
            title="Evaluaties (beheer)",
            icon=":material/monitoring:",
            url_path="evaluaties",
        ),
    ],
    position="top",
)
page.run()
