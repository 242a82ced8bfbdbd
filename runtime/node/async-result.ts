/** `AsyncResult`: the pending result of `Pool.applyAsync` (multiprocessing.pool.AsyncResult). */
import { Cat } from '../../common/schema';
import { TimeoutError } from './recorder';
import { waitRecorded } from './wait';

/** The pending result of `applyAsync`. */
export class AsyncResult<T> {
  #settled: { ok: true; value: T } | { ok: false; error: Error } | undefined;
  readonly #done: Promise<void>;
  #resolve!: () => void;

  constructor(private readonly label: string) {
    this.#done = new Promise((r) => (this.#resolve = r));
  }

  /** @internal */
  settle(s: { ok: true; value: T } | { ok: false; error: Error }): void {
    this.#settled = s;
    this.#resolve();
  }

  /** Waits for the result (at most `timeout` ms) and returns it, or throws the task's error. */
  async get(timeout?: number): Promise<T> {
    if (!(await this.wait(timeout))) throw new TimeoutError(`${this.label}: no result within ${timeout} ms`);
    const s = this.#settled!;
    if (s.ok) return s.value;
    throw s.error;
  }

  /** Waits for the task to finish, at most `timeout` ms; true if it did. */
  async wait(timeout?: number): Promise<boolean> {
    if (this.#settled) return true;
    return waitRecorded(Cat.WaitResult, this.label, '', this.#done, timeout);
  }

  /** Whether the task finished. */
  ready(): boolean {
    return this.#settled !== undefined;
  }

  /** Whether the task finished without an error (throws if not ready). */
  successful(): boolean {
    if (!this.#settled) throw new Error(`${this.label} is not ready`);
    return this.#settled.ok;
  }
}
