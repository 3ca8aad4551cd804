"""Alembic environment: migrations run on the connection :func:`sim.classroom.store.migrate`
passes in (no alembic.ini, no URL of its own)."""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
