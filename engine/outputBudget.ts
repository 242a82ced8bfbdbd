/**
 * One output budget per run, shared by every source of output: the root's stdout/stderr pipes, raw
 * channels and the `Output` records of every events connection. Past it, lines are only counted.
 */

/** Default budget of recorded output per run, in bytes (UTF-8 text, newlines included). */
export const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/** Counts a run's output against its budget. */
export class OutputBudget {
  /** Bytes of output seen so far (recorded or not). */
  used = 0;
  /** Lines that were not recorded because the budget was spent. */
  droppedLines = 0;

  /** `onFull` is called once, when the first line goes over the budget. */
  constructor(
    readonly limit: number,
    private readonly onFull: () => void,
  ) {}

  /** Takes `bytes` of output holding `lines` lines; false (and the lines counted as dropped) once over budget. */
  take(bytes: number, lines: number): boolean {
    const wasFull = this.used > this.limit;
    this.used += bytes;
    if (this.used <= this.limit) return true;
    this.droppedLines += lines;
    if (!wasFull) this.onFull();
    return false;
  }

  /** Shown once, as soon as the budget is spent. */
  get fullNote(): string {
    return `[concurrency-lens] output limit of ${sizeText(this.limit)} reached: further output is not recorded or shown`;
  }

  /** Shown at the end of a run that went over budget, or undefined. */
  get endNote(): string | undefined {
    if (this.droppedLines === 0) return undefined;
    return `[concurrency-lens] ${this.droppedLines} more lines of output were not recorded (limit ${sizeText(this.limit)})`;
  }
}

/** `32 MiB`, `256 KiB`, `1000 bytes`. */
function sizeText(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n >> 20} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n >> 10} KiB`;
  return `${n} bytes`;
}
