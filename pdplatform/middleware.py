"""Server-Timing: each response says how many SQL queries it made and how long they and the view took.

Load tests (bench/run) read it per page, and browser devtools show it in the Network tab. Off unless
SERVER_TIMING is set: it wraps every query, and in production it would tell visitors about internals.
"""

import time

from django.conf import settings
from django.db import connection


class QueryCounter:
    def __init__(self):
        self.count = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.SERVER_TIMING:
            return self.get_response(request)
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        total_ms = (time.perf_counter() - started) * 1000
        response["Server-Timing"] = (
            f'sql;dur={counter.seconds * 1000:.1f};desc="{counter.count} queries", app;dur={total_ms:.1f}'
        )
        return response
