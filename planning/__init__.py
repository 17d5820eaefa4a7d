"""Inspection planning: choosing targets, 双随机 draws, route optimisation, field exports, findings and tasks.

Pure domain code (never imports streamlit).  Coordinates are CGCS2000/WGS84 (lon, lat) throughout; the
GCJ-02/BD-09 shift happens only in the navigation links of ``planning.export``.
"""
