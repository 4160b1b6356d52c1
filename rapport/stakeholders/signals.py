"""The one signal: a new organisation gets the default stakeholder categories.

A signal rather than a call in accounts.services.org_create keeps the accounts app unaware of
stakeholders; the seeding itself is the service `categories_seed`.
"""


def seed_categories_of_new_org(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from .services import categories_seed

        categories_seed(org=instance)
