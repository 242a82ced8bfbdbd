# The four-process lock counter of the tutorial (4 x 100,000 `with lock:` increments of a shared
# Value), timed from the first start() to the last join(). Prints, on the last line, the wall seconds and
# the CPU seconds (user + system) the four workers used.
import multiprocessing as mp
import os
import resource
import sys
import time


def add(lock, counter, n):
    for _ in range(n):
        with lock:
            counter.value += 1


if __name__ == '__main__':
    mp.set_start_method(os.environ.get('CL_TEST_START_METHOD', 'fork'))
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    lock = mp.Lock()
    counter = mp.Value('i', 0)
    procs = [mp.Process(target=add, args=(lock, counter, n)) for _ in range(4)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    assert counter.value == 4 * n, counter.value
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print('%.4f %.4f' % (time.perf_counter() - t0, usage.ru_utime + usage.ru_stime))
