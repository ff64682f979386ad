"""Command line and Streamlit chat page."""
