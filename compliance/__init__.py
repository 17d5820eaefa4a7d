"""Pure evaluation of Chinese environmental standards.

Turns measurements into classes, statuses and explanations.  No Streamlit, folium or database here.

Modules
-------
params    parameter codes, Chinese names and canonical units
values    parsing of raw values, including detection-limit notations (ND, 未检出, <0.01, 0.01L)
status    the one status model and palette shared by every map layer
water     GB 3838-2002 with the evaluation rules of 环办〔2011〕22号
water_vector  the same, vectorised over whole long-form tables
config    product settings of the engine (stale-data days, warning band, main-pollutant priority)
air       GB 3095 / HJ 633, 2012 and 2026 texts chosen by observation date
effluent  GB 18918-2002
schedule  project schedule status and rectification-task status
"""
