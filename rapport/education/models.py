"""What was explained to which stakeholders, and how well they understood it."""
