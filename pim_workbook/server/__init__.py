"""Serving the workbook with Voila: the command line's ``serve``, and the kernel rules
(refused links end their kernel, idle kernels are culled, practice copies are removed).
"""
