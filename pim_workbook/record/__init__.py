"""The assessment record: its typed model, the grammar of ids and unit paths, the rules on
references, what parties sign (the hash), and everything derived from a record (progress,
divergences, status, the sections each step adds). Pure: nothing here reads or writes the
store.
"""
