"""The widgets the pages are built from: labelled controls, forms and collection editors,
and the question card where parties answer side by side.
"""
