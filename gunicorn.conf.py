"""Server settings for `make web` and for both apps in bench.web (gunicorn reads this file from the
working directory). One process per core with two threads each: on the 2-core machine, 2 x 2 kept
the tail lower than 2 x 4 or 2 x 8 at 50 keep-alive clients (more threads per process queue behind
the GIL) and 3 processes on 2 cores lost throughput to switching. Override with WEB_WORKERS and
WEB_THREADS."""
import multiprocessing
import os

workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("WEB_THREADS", 2))
worker_class = "gthread"
keepalive = 5
