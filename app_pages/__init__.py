"""Dashboard pages (one module per page) and their shared state (``state.py``)."""
