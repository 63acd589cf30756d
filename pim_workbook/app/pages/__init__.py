"""One module per page of the workbook (and the landing, chooser and training pages).
"""
