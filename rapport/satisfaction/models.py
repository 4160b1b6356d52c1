"""Satisfaction pulses from stakeholders over time."""
