"""Qt item models that adapt the core's dataclasses for views (no business rule here)."""
