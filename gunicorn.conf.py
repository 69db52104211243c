"""gunicorn settings read from the working directory by every gunicorn here (docker-compose, bench/run);
flags on the command line override them."""

import gc

# Import Django once in the master, then fork: workers share that memory.
preload_app = True


def post_fork(server, worker):
    # What the import created lives as long as the worker: keep it out of every garbage collection,
    # and collect the young generation less often (a page allocates tens of thousands of objects).
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
