from django import template

register = template.Library()


@register.simple_tag
def lessons_for_new_project(project, user):
    """For a project that has just started (no activities yet): the lessons of earlier projects
    that match its kind of work; else nothing (one query)."""
    from rapport.lessons import selectors

    if not selectors.is_new(project):
        return []
    return selectors.lessons_relevant_to(project, user, limit=3)
