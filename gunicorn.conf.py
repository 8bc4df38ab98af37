"""gunicorn's settings, for docker-compose.yml and a manual deployment alike:
`gunicorn -c gunicorn.conf.py mentorship_site.wsgi:application`.

Each value can be changed from the environment without editing this file. The worker model
and counts were picked from `make loadtest` runs (docs/benchmarks.md, "Web server"): threaded
workers (gthread) with a bounded number of requests running per process
(WEB_MAX_IN_FLIGHT, core.middleware.LoadShedMiddleware); past that, a quick 503 with
Retry-After instead of a queue that grows until connections are dropped.
"""

import os

# Behind the proxy only: in compose the web container publishes no port.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
# More threads than WEB_MAX_IN_FLIGHT + WEB_MAX_QUEUED (settings), so a spare thread is free to
# answer "busy" at once. Each thread that served a page may keep a database connection
# (CONN_MAX_AGE): workers × threads must stay under PostgreSQL's max_connections.
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Longer than any client keeps an idle connection open before reusing it (the proxy's upstream
# keep-alive is 60 s, deploy/Caddyfile): the client closes idle connections, never gunicorn
# under a request already on its way, which the client sees as a connection reset.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Connections waiting to be accepted: bounded, so an overload is refused early (the load
# shedding answers 503 first; SYNs past this wait and are retried by the client, not reset).
backlog = int(os.environ.get("GUNICORN_BACKLOG", "256"))
# Recycle workers now and then so a slow leak never grows without bound.
max_requests = 1000
max_requests_jitter = 100
# Which addresses may set X-Forwarded-Proto/-For: the proxy's. In compose the proxy reaches
# web over the private network from an address that changes, and nothing else can reach it,
# so compose sets "*"; on one machine with the proxy on localhost the default is right.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Heartbeat files in memory, not on a container's overlay disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
