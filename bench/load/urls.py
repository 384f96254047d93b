"""yuanqu's URLs plus ``/bench-floor/``: the floor of the load benchmark (see ``bench/load/floor.py``)."""

from django.urls import path

from yuanqu.urls import urlpatterns as app_urlpatterns

from .floor import floor

urlpatterns = [path("bench-floor/", floor, name="bench_floor"), *app_urlpatterns]
