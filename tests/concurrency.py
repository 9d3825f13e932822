"""Run the same work in many threads at once, each on its own database connection.

For race tests: mark them ``postgres`` and ``django_db(transaction=True)`` so the
threads see each other's commits, as web processes would.
"""

import threading

from celery._state import _set_task_join_will_block
from django.db import connections

# The test database is shared with other test runs on a small server: enough
# threads to race reliably, few enough to leave connections for everyone else.
RACERS = 20


def run_together(work, *, count=RACERS, timeout=60):
    """Call ``work(i)`` for i in range(count), all released at the same moment.

    Returns ``(results, errors)``: what each call returned (by i), and every
    exception raised, so a test can assert that none escaped.
    """
    start = threading.Barrier(count, timeout=timeout)
    results, errors = [None] * count, []

    def run(i):
        try:
            start.wait()
            results[i] = work(i)
        except Exception as error:  # the test reports them
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    # Each eager task sets and restores celery's process-wide "inside a task"
    # flag (celery.result.denied_join_result); threads interleaving can leave it
    # set, and a later test's result.get() would then refuse to wait.
    _set_task_join_will_block(False)
    return results, errors
