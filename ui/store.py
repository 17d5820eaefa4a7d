"""The one store of this process (a shared resource), opened on first use."""

from __future__ import annotations

import streamlit as st

from store import Store, open_store


@st.cache_resource(show_spinner="正在打开数据库…")
def get_store() -> Store:
    """Open (create, migrate, seed on first run) the configured store; shared by every session."""
    return open_store()


def store_version(store: Store) -> str:
    """Cache key for anything derived from the store's data."""
    return f"{store.url}#{store.data_version()}"
