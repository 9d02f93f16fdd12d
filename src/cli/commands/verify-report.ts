/** The result table of `cloudfront-hls verify`: one row per kind or check, and the report printed from it. */
import type { CliIo } from '../command.js';

/** What one request got: the status (0 when none) and S3's error code or the network error. */
export interface Fetched {
  status: number;
  body?: Buffer;
  errorCode?: string;
}

interface Row {
  label: string;
  count: number;
  statuses: Map<string, number>;
  signed: number;
  ok: boolean;
  note?: string;
}

/** A progress bar on a terminal; nothing otherwise. */
export function progress(io: CliIo, done: number, total: number): void {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  if (!tty) return;
  const width = 30;
  const filled = total === 0 ? 0 : Math.round((done / total) * width);
  io.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} requests`);
}

/** Ends the progress bar, or (not on a terminal) says how many URLs were fetched. */
export function progressDone(io: CliIo, requests: number): void {
  if ((io.stderr as { isTTY?: boolean }).isTTY === true) io.stderr.write('\n');
  else io.stderr.write(`fetched ${requests} URLs\n`);
}

/** The result table, one row per label in the order first seen. */
export class Tally {
  readonly rows = new Map<string, Row>();

  row(label: string): Row {
    let r = this.rows.get(label);
    if (r === undefined) {
      r = { label, count: 0, statuses: new Map(), signed: 0, ok: true };
      this.rows.set(label, r);
    }
    return r;
  }

  record(label: string, f: Fetched, signed: boolean, ok: boolean): void {
    const r = this.row(label);
    r.count++;
    const s = f.status === 0 ? `error ${f.errorCode ?? ''}`.trim() : f.errorCode ? `${f.status} ${f.errorCode}` : String(f.status);
    r.statuses.set(s, (r.statuses.get(s) ?? 0) + 1);
    if (signed) r.signed++;
    if (!ok) r.ok = false;
  }
}

/** Prints the table and the result line; true when every row is ok. Rows with a note other than "skipped" fail. */
export function printReport(io: CliIo, tally: Tally, truncated: boolean): boolean {
  const table: string[][] = [['kind', 'count', 'status', 'signed', 'result']];
  for (const r of tally.rows.values()) {
    const statuses = [...r.statuses].map(([s, n]) => (r.statuses.size === 1 ? s : `${s} x${n}`)).join(', ');
    const refusal = r.label.startsWith('unsigned') || r.label.startsWith('origin');
    table.push([
      r.label,
      String(r.count),
      r.count === 0 ? '-' : statuses,
      refusal ? '-' : r.count === 0 ? '-' : `${r.signed}/${r.count}`,
      r.note === undefined ? (r.ok ? 'ok' : 'FAIL') : r.note.startsWith('skipped') ? r.note : `FAIL: ${r.note}`,
    ]);
    if (r.note !== undefined && !r.note.startsWith('skipped')) r.ok = false;
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((t) => t[i]!.length)));
  for (const t of table) io.stdout.write(`${t.map((c, i) => (i === 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()}\n`);
  const allOk = [...tally.rows.values()].every((r) => r.ok) && !truncated;
  io.stdout.write(allOk ? 'result: OK: every URI a player needs is served signed; unsigned and tampered requests are refused\n' : 'result: FAILED (see the rows marked FAIL)\n');
  return allOk;
}
