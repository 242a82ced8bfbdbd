# A burst of prints (the tutorials print in loops): N lines from the main process, timed around the
# loop. Prints, on the last line, the wall seconds and the CPU seconds of the loop.
import sys
import time

if __name__ == '__main__':
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(n):
        print(f'line {i} of the burst')
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print('%.4f %.4f' % (wall, cpu))
