# Look for: three pool-worker lanes running five `square` tasks of 1 s each: three at once, then two;
# the main lane waits for the results (`get`) until the last task ends.
from multiprocessing import Pool
import os
import time


def square(n):
    print('computing', n, 'in process', os.getpid())
    time.sleep(1)
    return n * n


if __name__ == '__main__':
    with Pool(processes=3) as pool:
        results = pool.map(square, range(5))
    print('results:', results)
