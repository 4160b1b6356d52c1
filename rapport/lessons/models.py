"""Lessons learned, captured during projects, searched and reused across the organisation."""
