from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand


class Command(DatabaseWorkerCommand):
    help = (
        "Run background tasks (scheduled report delivery, e-mail) from the database queue. "
        "Run as many workers, on as many hosts, as you like against one PostgreSQL database."
    )
