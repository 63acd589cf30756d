"""Trainer mode: training sessions, pseudonymous trainees and their scores, and the
practice copies of the sample assessment trainees work on.
"""
