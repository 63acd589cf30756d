"""The framework as data: the trust statement, principles, PIM Matrix, competencies and the
Joint Benefit and Risk Assessment (``framework.yaml``), and the trainers' exercises
(``exercises.yaml``), each checked against its schema when loaded. Organisations adapt
these files without touching Python.
"""
