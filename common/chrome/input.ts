/**
 * Reading untrusted Chrome trace JSON: accepts the array form, the `{traceEvents: [...]}` form, or
 * their text or UTF-8 bytes (also a truncated array, which the format allows), and reads event fields with errors
 * that say which event and which field is wrong.
 */
import { utf8Decode } from '../utf8';
import type { ChromeEvent } from './format';

/** Why a trace could not be imported. */
export class ChromeTraceError extends Error {
  override name = 'ChromeTraceError';
}

/** The events and the `otherData` of a trace. */
export interface ParsedTrace {
  events: ChromeEvent[];
  otherData: Record<string, unknown> | undefined;
}

function kindOf(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'an array';
  return typeof x === 'string'
    ? `a string (${JSON.stringify(x.slice(0, 40))})`
    : `${typeof x} ${String(x).slice(0, 40)}`;
}

/** Parses JSON text, forgiving a missing `]` at the end of the array form. */
function parseText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const trimmed = text.trimEnd().replace(/,\s*$/, '');
    if (trimmed.trimStart().startsWith('[') && !trimmed.endsWith(']')) {
      try {
        return JSON.parse(`${trimmed}]`);
      } catch {
        // fall through to the original message
      }
    }
    throw new ChromeTraceError(`not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Checks the outer shape and every event's `ph`; throws `ChromeTraceError` naming what is wrong and where. */
export function parseTrace(input: unknown): ParsedTrace {
  const json =
    typeof input === 'string'
      ? parseText(input)
      : input instanceof Uint8Array
        ? parseText(utf8Decode(input, 0, input.length))
        : input;

  let events: unknown;
  let otherData: Record<string, unknown> | undefined;
  if (Array.isArray(json)) events = json;
  else if (typeof json === 'object' && json !== null) {
    const o = json as Record<string, unknown>;
    if (!('traceEvents' in o)) {
      throw new ChromeTraceError(
        'a Chrome trace object needs a "traceEvents" array; this object has keys ' +
          Object.keys(o).slice(0, 8).join(', '),
      );
    }
    events = o.traceEvents;
    if (!Array.isArray(events)) throw new ChromeTraceError(`"traceEvents" must be an array, got ${kindOf(events)}`);
    const od = o.otherData;
    if (od !== undefined && (typeof od !== 'object' || od === null || Array.isArray(od))) {
      throw new ChromeTraceError(`"otherData" must be an object, got ${kindOf(od)}`);
    }
    otherData = od as Record<string, unknown> | undefined;
  } else {
    throw new ChromeTraceError(
      `a Chrome trace is a JSON array of events or an object with "traceEvents"; got ${kindOf(json)}`,
    );
  }
  const list = events as unknown[];
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (typeof e !== 'object' || e === null || Array.isArray(e))
      throw new ChromeTraceError(`event #${i} must be an object, got ${kindOf(e)}`);
    const ph = (e as Record<string, unknown>).ph;
    if (typeof ph !== 'string' || ph.length === 0)
      throw new ChromeTraceError(`event #${i} needs a "ph" (phase) string, got ${kindOf(ph)}`);
  }
  return { events: list as ChromeEvent[], otherData };
}

/** Typed access to the fields of event #i, throwing an actionable error on a wrong type. */
export class EventReader {
  constructor(
    private readonly e: ChromeEvent,
    private readonly i: number,
  ) {}

  /** "event #12 (ph "X", name "foo")" */
  where(): string {
    const name = typeof this.e.name === 'string' ? `, name ${JSON.stringify(this.e.name.slice(0, 60))}` : '';
    return `event #${this.i} (ph "${this.e.ph}"${name})`;
  }

  /** A finite number field; `fallback` when absent (required when no fallback is given). */
  num(key: keyof ChromeEvent, fallback?: number): number {
    const v = (this.e as unknown as Record<string, unknown>)[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ChromeTraceError(
        `${this.where()}: "${key}" must be a number, got ${v === undefined ? 'nothing' : kindOf(v)}`,
      );
    }
    return v;
  }

  /** A string field, '' when absent. */
  str(key: 'name' | 'cat' | 's' | 'bp'): string {
    const v = this.e[key];
    if (v === undefined) return '';
    if (typeof v !== 'string')
      throw new ChromeTraceError(`${this.where()}: "${key}" must be a string, got ${kindOf(v)}`);
    return v;
  }

  /** The `args` object ({} when absent). */
  args(): Record<string, unknown> {
    const a = this.e.args;
    if (a === undefined) return {};
    if (typeof a !== 'object' || a === null || Array.isArray(a))
      throw new ChromeTraceError(`${this.where()}: "args" must be an object, got ${kindOf(a)}`);
    return a;
  }

  /** An id (number or string) as a string, or throws if absent. */
  id(): string {
    const v =
      this.e.id ??
      (this.e as unknown as { id2?: Record<string, unknown> }).id2?.local ??
      (this.e as unknown as { id2?: Record<string, unknown> }).id2?.global;
    if (typeof v !== 'number' && typeof v !== 'string')
      throw new ChromeTraceError(
        `${this.where()}: needs an "id" (number or string), got ${v === undefined ? 'nothing' : kindOf(v)}`,
      );
    return String(v);
  }
}

/** Reads `obj[key]` as the given type for `path`, throwing an error that names the path. */
export function field<T extends 'number' | 'string' | 'object'>(
  obj: Record<string, unknown>,
  key: string,
  type: T,
  path: string,
  nullable = false,
): T extends 'number' ? number : T extends 'string' ? string : Record<string, unknown> {
  const v = obj[key];
  if (nullable && v === null) return NaN as never;
  const ok =
    type === 'object'
      ? typeof v === 'object' && v !== null && !Array.isArray(v)
      : typeof v === type && (type !== 'number' || Number.isFinite(v));
  if (!ok)
    throw new ChromeTraceError(
      `${path}.${key} must be a ${type}${nullable ? ' or null' : ''}, got ${v === undefined ? 'nothing' : kindOf(v)}`,
    );
  return v as never;
}
