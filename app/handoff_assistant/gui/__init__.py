"""The Qt layer: adapts core dataclasses; no business rule lives here."""
