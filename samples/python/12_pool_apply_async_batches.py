# Look for: ten `func` tasks of 1 s on Pool(4): they run in batches of four (4, 4, 2) and each worker
# lane runs several tasks one after another; the main lane waits in `join`.
import multiprocessing
import os
import time


def func(msg):
    print('sub-process %s said %s' % (os.getpid(), msg))
    time.sleep(1)


if __name__ == '__main__':
    pool = multiprocessing.Pool(processes=4)
    print('parent id is %s' % os.getpid())
    for i in range(10):
        msg = 'hello %d' % i
        pool.apply_async(func, (msg,))  # apply would block; apply_async queues the task
    pool.close()
    pool.join()
