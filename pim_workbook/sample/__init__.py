"""The built-in sample assessment, written through the public store API as a script would.
"""
