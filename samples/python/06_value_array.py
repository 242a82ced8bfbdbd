# Look for: the child's writes to the shared Value (5 -> 15) and to each Array element (doubled), and
# the main process printing the changed values after `join`.
from multiprocessing import Process, Value, Array


def worker(val, arr):
    val.value += 10
    for i in range(len(arr)):
        arr[i] *= 2


if __name__ == '__main__':
    num = Value('i', 5)
    arr = Array('i', [1, 2, 3, 4])
    p = Process(target=worker, args=(num, arr))
    p.start()
    p.join()
    print('num =', num.value)
    print('arr =', list(arr))
