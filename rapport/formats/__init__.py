"""Date and time formats per locale, on top of Django's (a name missing here is Django's).

Templates name a format, never a pattern: `|date` (DATE_FORMAT), `|date:"DATETIME_FORMAT"`,
`|date:"MONTH_DAY_FORMAT"`, `|date:"YEAR_MONTH_FORMAT"`, `|time`; Python code uses
`django.utils.formats.date_format`. Machine formats (`|date:'c'`, `|date:'Y-m-d'`) stay fixed.
"""
