"""Keep the track record current: a published status update records the activities finished so
far; a project saved completed (or reopened) records (or drops) the project as a whole, which
refits the organisation's calibration."""

from rapport.projects.models import ProjectState

from .models import TrackRecord


def record_on_status_published(sender, instance, **kwargs):
    if instance.published_at is None:
        return
    from .track_record import track_record_refresh

    track_record_refresh(instance.project)


def record_on_project_saved(sender, instance, created=False, **kwargs):
    if created:
        return
    completed = instance.state == ProjectState.COMPLETED
    if completed or TrackRecord.objects.filter(project=instance, activity__isnull=True).exists():
        from .track_record import track_record_refresh

        track_record_refresh(instance)
