"""The checks behind ``tests/test_preset_claims.py``: one module per theme, sharing
``support`` (cached runs over seeds, clinical readings, the every/share verdicts)."""
