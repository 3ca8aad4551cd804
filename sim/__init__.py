"""MMN teaching simulator."""
