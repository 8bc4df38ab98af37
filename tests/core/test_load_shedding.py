"""Load shedding: past WEB_MAX_IN_FLIGHT running and WEB_MAX_QUEUED waiting requests, a quick
503 with Retry-After (core.middleware.LoadShedMiddleware)."""

from __future__ import annotations

import threading
import time

from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import BUSY, LoadShedMiddleware


class Blocking:
    """A view that holds its request until released."""

    def __init__(self) -> None:
        self.started = threading.Semaphore(0)
        self.release = threading.Event()

    def __call__(self, request) -> HttpResponse:
        self.started.release()
        self.release.wait(10)
        return HttpResponse("done")


def _in_thread(middleware, results: list) -> threading.Thread:
    thread = threading.Thread(
        target=lambda: results.append(middleware(RequestFactory().get("/")).status_code)
    )
    thread.start()
    return thread


def test_it_answers_503_with_retry_after_once_the_slots_and_the_queue_are_full(settings) -> None:
    settings.WEB_MAX_IN_FLIGHT, settings.WEB_MAX_QUEUED, settings.WEB_RETRY_AFTER_SECONDS = 1, 0, 3
    view = Blocking()
    middleware = LoadShedMiddleware(view)
    results: list[int] = []
    running = _in_thread(middleware, results)
    assert view.started.acquire(timeout=10)
    response = middleware(RequestFactory().get("/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "3"
    assert response.content.decode() == BUSY
    view.release.set()
    running.join(10)
    assert results == [200]


def test_it_lets_a_queued_request_run_when_a_slot_frees_in_time(settings) -> None:
    settings.WEB_MAX_IN_FLIGHT, settings.WEB_MAX_QUEUED, settings.WEB_QUEUE_SECONDS = 1, 1, 5
    view = Blocking()
    middleware = LoadShedMiddleware(view)
    results: list[int] = []
    first = _in_thread(middleware, results)
    assert view.started.acquire(timeout=10)
    queued = _in_thread(middleware, results)
    time.sleep(0.2)
    assert middleware(RequestFactory().get("/")).status_code == 503  # the queue is full
    view.release.set()
    first.join(10)
    queued.join(10)
    assert results == [200, 200]


def test_it_sheds_a_queued_request_that_waited_too_long(settings) -> None:
    settings.WEB_MAX_IN_FLIGHT, settings.WEB_MAX_QUEUED, settings.WEB_QUEUE_SECONDS = 1, 1, 0.1
    view = Blocking()
    middleware = LoadShedMiddleware(view)
    results: list[int] = []
    first = _in_thread(middleware, results)
    assert view.started.acquire(timeout=10)
    started = time.monotonic()
    assert middleware(RequestFactory().get("/")).status_code == 503
    assert time.monotonic() - started < 2
    view.release.set()
    first.join(10)


def test_it_limits_nothing_when_switched_off(settings) -> None:
    settings.WEB_MAX_IN_FLIGHT = 0
    middleware = LoadShedMiddleware(lambda request: HttpResponse("ok"))
    assert middleware(RequestFactory().get("/")).status_code == 200
    assert middleware.slots.running == 0
