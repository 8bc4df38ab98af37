"""gunicorn's settings, for docker-compose.yml and a manual deployment alike:
`gunicorn -c gunicorn.conf.py mentorship_site.wsgi:application`.

Each value can be changed from the environment without editing this file.
"""

import os

# Behind the proxy only: in compose the web container publishes no port.
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
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
