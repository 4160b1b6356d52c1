import pytest

from tests.lessons.factories import earlier_project, lesson_on


@pytest.fixture
def earlier(world):
    """An earlier Acme project (Max and Carl read it) with one lesson about estimates."""
    project = earlier_project(world)
    project.estimate_lesson = lesson_on(project, world.owner)
    return project
