"""Celery tasks of the knowledge base: thin wrappers around its services."""

from celery import shared_task

from .reminders import send_reminders


@shared_task(name="knowledge.send_reminders")
def knowledge_reminders():
    """Daily: expire lapsed articles, remind owners of reviews due and articles lapsing within 14 days."""
    expired, notices = send_reminders()
    return {"expired": expired, "notices": notices}
