from django.urls import path

from . import views

L = "o/<slug:org>/p/<str:code>/relationship/lessons/"
ONE = L + "<int:lesson_id>/"

urlpatterns = [
    path("o/<slug:org>/lessons/", views.lesson_library, name="lesson-library"),
    path(L, views.project_lessons, name="project-lessons"),
    path(L + "new/", views.lesson_new, name="lesson-new"),
    path(ONE, views.lesson_detail, name="lesson-detail"),
    path(ONE + "edit/", views.lesson_edit, name="lesson-edit"),
    path(ONE + "delete/", views.lesson_delete, name="lesson-delete"),
    path(ONE + "contributors/", views.contributor_add, name="lesson-contributor-add"),
    path(
        ONE + "contributors/<int:contributor_id>/remove/",
        views.contributor_remove,
        name="lesson-contributor-remove",
    ),
    path(ONE + "follow-ups/", views.follow_up_add, name="lesson-follow-up-add"),
    path(
        ONE + "follow-ups/<int:follow_up_id>/status/",
        views.follow_up_status,
        name="lesson-follow-up-status",
    ),
    path(L + "apply/<int:reuse_lesson_id>/", views.lesson_apply, name="lesson-apply"),
    path(L + "apply/<int:reuse_lesson_id>/undo/", views.lesson_unapply, name="lesson-unapply"),
]
