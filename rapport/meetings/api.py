"""The meetings API. Same services and selectors as the pages."""

from ninja import Router

router = Router(tags=["meetings"])
