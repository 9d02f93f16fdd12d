import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PLAYER_HTML } from '../../src/local-edge/server/player-page.js';

/** The page's own playbackStatus function, run on a stand-in for the video element. */
function playbackStatus(video: { currentTime: number; paused: boolean; ended: boolean }): string {
  const source = /function playbackStatus\(v\) \{[\s\S]*?\n {2}\}/.exec(PLAYER_HTML)?.[0];
  if (source === undefined) throw new Error('the player page has no playbackStatus function');
  return runInNewContext(`${source}; playbackStatus(video)`, { video }) as string;
}

describe('the player page\'s status line', () => {
  it('says playing only while the video plays', () => {
    expect(playbackStatus({ currentTime: 3.14, paused: false, ended: false })).toBe('playing at 3.1 s');
    expect(playbackStatus({ currentTime: 5, paused: true, ended: false })).toBe('paused at 5.0 s');
  });

  it('says ended after the end, not playing', () => {
    // At the end a media element is both paused and ended (HTML, "ended playback").
    expect(playbackStatus({ currentTime: 9.9, paused: true, ended: true })).toBe('ended at 9.9 s');
  });

  it('updates the status on pause and at the end, not only on timeupdate', () => {
    expect(PLAYER_HTML).toContain('video.onpause = video.onended = () => status(playbackStatus(video));');
  });
});
