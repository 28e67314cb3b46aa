"""Forms of the project's own app: input parsing and validation only.

Forms render with Bootstrap 5 through django-crispy-forms (`{% crispy form %}` or
`{{ form|crispy }}`); the writes they lead to belong in a service function.
"""

from django import forms  # noqa: F401 - used by the forms written here
