"""Agreements between IT and the business, with obligations on both sides, measured."""
