# Look for: Pool(4) running `map` over ten items (in chunks), one `apply_async` task and a `starmap`;
# each task is a span in the worker that ran it, and the main lane waits for each batch of results.
from multiprocessing import Pool


def square(x):
    return x * x


def multiply(a, b):
    return a * b


if __name__ == '__main__':
    with Pool(4) as pool:
        results = pool.map(square, range(10))
        print(results)
        async_result = pool.apply_async(square, (12,))
        print(async_result.get())
        print(pool.starmap(multiply, [(1, 2), (3, 4), (5, 6)]))
