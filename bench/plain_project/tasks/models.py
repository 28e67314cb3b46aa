"""An organization's tasks, as a plain Django project would model them: one organization
per user (through its membership), the same columns and indexes as OpsBase's task table."""

from django.conf import settings
from django.db import models


class Organization(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)

    def __str__(self):
        return self.name


class Membership(models.Model):
    ROLES = [("admin", "Admin"), ("manager", "Manager"), ("user", "User"), ("custom", "Custom")]

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=16, choices=ROLES, default="user")

    def __str__(self):
        return f"{self.user} in {self.organization}"


class Task(models.Model):
    STATUSES = [
        ("todo", "To do"),
        ("in_progress", "In progress"),
        ("blocked", "Blocked"),
        ("done", "Done"),
        ("cancelled", "Cancelled"),
    ]
    PRIORITIES = [("low", "Low"), ("normal", "Normal"), ("high", "High"), ("urgent", "Urgent")]

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default="todo")
    priority = models.CharField(max_length=16, choices=PRIORITIES, default="normal")
    due_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "-created_at"]),
            models.Index(fields=["organization", "status", "due_date"]),
            models.Index(fields=["organization", "owner"]),
            models.Index(fields=["organization", "assignee"]),
            models.Index(fields=["organization", "due_date"]),
        ]

    def __str__(self):
        return self.title
