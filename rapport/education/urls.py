from django.urls import path

from . import views

P = "o/<slug:org>/p/<str:code>/relationship/education/"

urlpatterns = [
    path(P, views.education_list, name="education-list"),
    path(P + "new/", views.explanation_new, name="education-explanation-new"),
    path(
        P + "<int:explanation_id>/edit/", views.explanation_edit, name="education-explanation-edit"
    ),
    path(
        P + "<int:explanation_id>/delete/",
        views.explanation_delete,
        name="education-explanation-delete",
    ),
    path(P + "topics/", views.topic_list, name="education-topics"),
    path(
        P + "topics/<int:education_topic_id>/edit/", views.topic_edit, name="education-topic-edit"
    ),
    path(
        P + "topics/<int:education_topic_id>/delete/",
        views.topic_delete,
        name="education-topic-delete",
    ),
]
