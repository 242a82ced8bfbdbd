# Look for: four processes taking turns on one Lock: short hold spans, `acquire` waits when another
# process holds it, and Aggregate counts for the many uncontended acquisitions. The total is exact.
from multiprocessing import Process, Lock, Value


def add(lock, counter):
    for _ in range(100000):
        with lock:
            counter.value += 1


if __name__ == '__main__':
    lock = Lock()
    counter = Value('i', 0)
    procs = [Process(target=add, args=(lock, counter)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print('result:', counter.value)
