"""OpsBase's hello-world view: the cheapest answer through OpsBase's stack (its middleware
included), the ceiling its figures are divided by. The plain-DRF baselines are another
project's (``bench/plain.py``)."""

from django.http import HttpResponse


def hello(request):
    return HttpResponse(b"Hello, world", content_type="text/plain")
