"""Pure folium builders: basemaps, boundaries, sites, legend and offline asset wiring (no Streamlit here)."""
