/**
 * ffmpeg as an HLS client. Always asynchronous: the local edge runs in the test's own process, so a blocking
 * spawnSync would deadlock it.
 */
import { execFile } from 'node:child_process';

export interface FfmpegResult {
  code: number;
  /** ffmpeg's error output with query strings cut (they carry credentials). */
  stderr: string;
  seconds: number;
}

/** Redacts `?query` parts from text that may quote signed URLs. */
export function redactQueries(text: string): string {
  return text.replace(/\?[^\s"'<>]*/g, '?…');
}

/**
 * Reads every stream of `url` and decodes it to nothing: `ffmpeg -v error -i URL -map 0 -c:s webvtt -f null -`.
 * `-c:s webvtt` because the null muxer has no default subtitle encoder; decoding and re-encoding the cues
 * also proves they parse. No protocol whitelist or `-allowed_extensions` is needed for http(s) input
 * (ffmpeg 5.1: keys and segments over http are allowed by default).
 */
export function ffmpegRead(url: string, timeoutMs = 60_000): Promise<FfmpegResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      'ffmpeg',
      ['-hide_banner', '-nostdin', '-v', 'error', '-i', url, '-map', '0', '-c:s', 'webvtt', '-f', 'null', '-'],
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
        resolve({ code, stderr: redactQueries(stderr), seconds: (Date.now() - started) / 1000 });
      },
    );
  });
}
