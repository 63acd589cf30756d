"""The workbook's notebooks, shipped inside the package as ``pim_workbook.notebooks``."""
