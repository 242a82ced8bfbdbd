# Look for: three process lanes sleeping for 2 s side by side (they run in parallel, so the whole run
# takes about 2 s, not 6), while the main lane waits in `join`.
from multiprocessing import Process
import time


def task(name):
    print(f'{name} start')
    time.sleep(2)
    print(f'{name} end')


if __name__ == '__main__':
    proc_list = []
    for i in range(3):
        p = Process(target=task, args=(f'process{i + 1}',))
        p.start()
        proc_list.append(p)
    for p in proc_list:
        p.join()
    print('all child processes finished')
