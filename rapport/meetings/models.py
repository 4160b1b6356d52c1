"""Meetings with the customers: agenda, invitations, attendance, minutes, the decision log and actions."""
