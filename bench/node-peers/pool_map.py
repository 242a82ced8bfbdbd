# Python's multiprocessing.Pool(2).map over N trivial tasks; prints seconds for the map alone.
import sys
import time
from multiprocessing import Pool


def inc(x):
    return x + 1


if __name__ == '__main__':
    n = int(sys.argv[1])
    chunk = int(sys.argv[2]) if len(sys.argv) > 2 else None
    with Pool(2) as pool:
        pool.map(inc, [0, 1], chunksize=1)
        t = time.perf_counter()
        out = pool.map(inc, range(n), chunksize=chunk)
        dt = time.perf_counter() - t
        assert out[-1] == n
    print(dt)
