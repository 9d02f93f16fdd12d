/**
 * CloudFront's request collapsing: simultaneous misses with the same cache key wait for one origin request (and
 * one origin-response run) and all receive its answer, whatever its Cache-Control says, no-store included
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/RequestAndResponseBehaviorCustomOrigin.html#request-custom-traffic-spikes).
 * That is why a rewritten playlist's cache key must hold the viewer's credentials (docs/live.md).
 */

/** Counts of what collapsing did, for tests and the load bench. */
export interface CollapseStats {
  /** Requests that went to the origin (each one origin request and one origin-response run). */
  leaders: number;
  /** Requests that waited for a leader's answer instead. */
  joined: number;
}

/** In-flight origin requests by cache key. */
export class RequestCollapser {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  readonly stats: CollapseStats = { leaders: 0, joined: 0 };

  /** `fetch()`'s answer; a caller arriving while another's fetch for `key` is in flight gets that one's. */
  async run<T>(key: string, fetch: () => Promise<T>): Promise<{ value: T; joined: boolean }> {
    const pending = this.inFlight.get(key) as Promise<T> | undefined;
    if (pending !== undefined) {
      this.stats.joined++;
      return { value: await pending, joined: true };
    }
    this.stats.leaders++;
    const started = fetch();
    this.inFlight.set(key, started);
    try {
      return { value: await started, joined: false };
    } finally {
      this.inFlight.delete(key);
    }
  }
}
