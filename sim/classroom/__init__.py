"""Class mode: a lecturer collects the room's predictions live and reveals the simulation.

Storage is SQLAlchemy on SQLite (default) or PostgreSQL (``MMN_SIM_DATABASE_URL``); see
:mod:`sim.classroom.store`. The rules live in :class:`~sim.classroom.service.Classroom`.
"""

from .exports import csv_text, send, xapi_statements
from .service import ClassError, Classroom, NewClass, Question, Tally, normalise_code
from .store import database_url, make_engine

__all__ = ["ClassError", "Classroom", "NewClass", "Question", "Tally", "csv_text",
           "database_url", "make_engine", "normalise_code", "send", "xapi_statements"]
