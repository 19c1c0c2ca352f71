/**
 * A one-line progress bar with ETA on stderr (a plain line per update when
 * stderr is not a terminal, at most every few seconds, so CI logs stay short).
 */
export class Progress {
  private readonly start = Date.now();
  private lastPrint = 0;
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly unit: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  advance(amount: number, label = ''): void {
    this.done = Math.min(this.total, this.done + amount);
    this.render(label);
  }

  render(label = '', force = false): void {
    const now = Date.now();
    const tty = this.stream.isTTY;
    if (!force && now - this.lastPrint < (tty ? 200 : 5000)) return;
    this.lastPrint = now;
    const fraction = this.total > 0 ? this.done / this.total : 1;
    const elapsed = (now - this.start) / 1000;
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
    const text = `${bar} ${(fraction * 100).toFixed(1).padStart(5)}% ${this.unit} | ${formatDuration(elapsed)} elapsed | ETA ${formatDuration(eta)} | ${label}`;
    if (tty) this.stream.write(`\r${text.slice(0, (this.stream.columns ?? 120) - 1).padEnd((this.stream.columns ?? 120) - 1)}`);
    else this.stream.write(`${text}\n`);
  }

  finish(label = 'done'): void {
    this.done = this.total;
    this.render(label, true);
    if (this.stream.isTTY) this.stream.write('\n');
  }
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}:${String(rest).padStart(2, '0')}`;
}
