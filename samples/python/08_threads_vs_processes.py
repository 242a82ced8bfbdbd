# Look for: three thread lanes inside the main process that only sleep (I/O-bound: they overlap), then
# three process lanes each running a 10-million-step CPU loop in parallel on separate cores. With the
# CPU sampler on, the processes are busy at the same time; threads of one process would take turns (GIL).
import multiprocessing
import os
import threading
import time


def task_io_bound(name):
    print(f'thread {name}: start I/O-bound task...')
    time.sleep(2)
    print(f'thread {name}: done.')


def task_cpu_bound(name):
    print(f'process {name} (PID: {os.getpid()}): start CPU-bound task...')
    result = 0
    for _ in range(10_000_000):
        result += 1
    print(f'process {name} (PID: {os.getpid()}): done, result {result}.')


if __name__ == '__main__':
    threads = []
    for i in range(3):
        thread = threading.Thread(target=task_io_bound, args=(f'T{i}',))
        threads.append(thread)
        thread.start()
    for thread in threads:
        thread.join()
    print('all I/O-bound threads done.')

    processes = []
    for i in range(3):
        process = multiprocessing.Process(target=task_cpu_bound, args=(f'P{i}',))
        processes.append(process)
        process.start()
    for process in processes:
        process.join()
    print('all CPU-bound processes done.')
