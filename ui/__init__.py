"""Streamlit glue: cached loaders keyed by data version, session state, the map component."""
