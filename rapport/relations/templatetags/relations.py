"""The stakeholder page's "last and next contact" card. A template tag, so that the customers
pages below on the staircase show interactions without importing this app."""

from django import template

from rapport.relations import selectors

register = template.Library()


@register.inclusion_tag("relations/_contacts_card.html")
def contacts_card(project, stakeholder):
    return {
        "project": project,
        "stakeholder": stakeholder,
        "contacts": selectors.contacts(stakeholder),
    }
