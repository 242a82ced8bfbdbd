# Look for: two lanes, MainProcess and Process-1; the child prints its PID (its own output line), and the
# main lane shows a `join` wait until the child's lane ends.
from multiprocessing import Process
import os


def worker():
    print('child pid:', os.getpid())


if __name__ == '__main__':
    p = Process(target=worker)
    p.start()
    p.join()
    print('main process done')
