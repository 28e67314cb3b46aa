"""Filters of the form template list, shared by the pages and the API (``?q=``)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from opsbase.kit.forms import SearchFilter

from .models import FormTemplate


class FormTemplateFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))

    class Meta:
        model = FormTemplate
        fields = ["q"]
