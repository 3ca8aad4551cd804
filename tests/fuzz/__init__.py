"""Fuzzing: hostile input at every place input enters (see ``strategies`` and ``targets``).

``make test`` runs a bounded number of cases per family (``tests/test_fuzz.py``); ``make fuzz``
runs ``python -m tests.fuzz``, over 10,000 cases, and prints a summary table.
"""
