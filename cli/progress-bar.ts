import type { SnapshotProgress } from '../shared/cleanup/take-snapshot';

/**
 * A one-line progress bar on stderr for live commands that walk many repositories:
 * `reading repositories [#########...........] 412/1000 team-a/api`. Only when stderr is a terminal
 * (never in a pipe, a file or CI logs) and only for at least `threshold` repositories; redrawn at most
 * every `intervalMs`, and erased when done so that the command's own output starts on a clean line.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface ProgressBarOptions {
  label?: string;
  threshold?: number;
  intervalMs?: number;
  clock?: () => number;
}

const WIDTH = 24;

export function createProgressBar(
  stream: ProgressStream,
  options: ProgressBarOptions = {},
): SnapshotProgress {
  const label = options.label ?? 'reading repositories';
  const threshold = options.threshold ?? 20;
  const intervalMs = options.intervalMs ?? 100;
  const clock = options.clock ?? Date.now;
  let total = 0;
  let done = 0;
  let active = false;
  let lastDrawn = Number.NEGATIVE_INFINITY;

  const draw = (current: string) => {
    const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
    let line = `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${current}`;
    const columns = stream.columns ?? 80;
    if (line.length > columns - 1) line = line.slice(0, columns - 1);
    // \r to the line start, the bar, then erase what a longer previous line left.
    stream.write(`\r${line}\u001b[K`);
    lastDrawn = clock();
  };

  return {
    start(count) {
      total = count;
      active = stream.isTTY === true && count >= threshold;
      if (active) draw('');
    },
    tick(repositoryName) {
      done++;
      if (active && (clock() - lastDrawn >= intervalMs || done === total)) draw(repositoryName);
    },
    done() {
      if (active) stream.write('\r\u001b[K');
      active = false;
    },
  };
}
