from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: ``PAGE_SIZE`` (25) by default, at most 100 a page."""

    page_size_query_param = "page_size"
    max_page_size = 100
