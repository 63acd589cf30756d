"""One record, many views: the JSON file (with its JSON Schema), HTML, Markdown, CSV, the
HXL register and data packages, plots, PDF reports run through papermill, and Word. One
report context feeds every human-readable view.
"""
