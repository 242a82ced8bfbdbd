/**
 * The states a lane can be in, as the panel colours them: which span categories map to which
 * state, the legend label, the CSS variable that holds its colour, and the pattern that pairs with
 * the colour so that waits stay distinguishable without colour vision.
 */
import { CATEGORIES } from '../common/categories';
import { Cat, Role } from '../common/schema';

/** A drawn state. Values index `STATES`. */
export const enum State {
  Running = 0,
  Task = 1,
  WaitLock = 2,
  QueueEmpty = 3,
  QueueFull = 4,
  Sleep = 5,
  Join = 6,
  WaitOther = 7,
  Idle = 8,
  Exited = 9,
  Hold = 10,
}

/** Pattern drawn over a state's fill. */
export type Pattern = 'none' | 'diagonal' | 'dots' | 'cross' | 'horizontal' | 'vertical' | 'backslash';

/** Legend entry of a state. */
export interface StateInfo {
  readonly state: State;
  /** Short name for the legend, tooltips and statistics. */
  readonly label: string;
  /** CSS custom property (defined in panel.css with `--vscode-*` fallbacks). */
  readonly cssVar: string;
  readonly pattern: Pattern;
}

/** Every state, indexed by `State`. */
export const STATES: readonly StateInfo[] = [
  { state: State.Running, label: 'running', cssVar: '--lens-running', pattern: 'none' },
  { state: State.Task, label: 'pool task', cssVar: '--lens-task', pattern: 'none' },
  { state: State.WaitLock, label: 'waiting for lock', cssVar: '--lens-wait-lock', pattern: 'diagonal' },
  { state: State.QueueEmpty, label: 'queue empty (get)', cssVar: '--lens-queue-empty', pattern: 'dots' },
  { state: State.QueueFull, label: 'queue full (put)', cssVar: '--lens-queue-full', pattern: 'cross' },
  { state: State.Sleep, label: 'sleeping', cssVar: '--lens-sleep', pattern: 'horizontal' },
  { state: State.Join, label: 'joining', cssVar: '--lens-join', pattern: 'vertical' },
  {
    state: State.WaitOther,
    label: 'waiting (result, pipe, event…)',
    cssVar: '--lens-wait-other',
    pattern: 'backslash',
  },
  { state: State.Idle, label: 'idle in pool', cssVar: '--lens-idle', pattern: 'none' },
  { state: State.Exited, label: 'exited', cssVar: '--lens-exited', pattern: 'none' },
  { state: State.Hold, label: 'holding a lock', cssVar: '--lens-hold', pattern: 'none' },
];

/** Number of states (length of `STATES`). */
export const STATE_COUNT = 11;

/** The state a span category is drawn as. */
export function stateOfCat(cat: number): State {
  switch (cat) {
    case Cat.Run:
    case Cat.User:
      return State.Running;
    case Cat.Task:
      return State.Task;
    case Cat.Hold:
      return State.Hold;
    case Cat.Sleep:
      return State.Sleep;
    case Cat.WaitLock:
    case Cat.WaitSemaphore:
      return State.WaitLock;
    case Cat.WaitQueueGet:
      return State.QueueEmpty;
    case Cat.WaitQueuePut:
      return State.QueueFull;
    case Cat.WaitJoin:
      return State.Join;
    default:
      return State.WaitOther;
  }
}

/** Human name of a span category, for tooltips. */
export function catLabel(cat: number): string {
  return CATEGORIES[cat]?.label ?? `category ${cat}`;
}

/** How a lane ended: still running, normally, terminated by its pool (SIGTERM to a pool worker), or crashed. */
export type ExitKind = 'alive' | 'ok' | 'terminated' | 'crashed';

/** Classifies a lane's end from its exit code, signal and role. */
export function exitKind(lane: { end: number; exitCode: number; signal: string; role: number }): ExitKind {
  if (Number.isNaN(lane.end)) return 'alive';
  if (lane.signal === 'SIGTERM' && lane.role === Role.PoolWorker) return 'terminated';
  if (lane.signal !== '' || (!Number.isNaN(lane.exitCode) && lane.exitCode !== 0)) return 'crashed';
  return 'ok';
}
