/**
 * Shared credentials for big live events (docs/live.md, "Shared credentials"): every entitled viewer of a title
 * gets the same signed URL for a time window, so every viewer holds the same playlist cache key and CloudFront
 * runs origin-response and reads the origin once per playlist per freshness interval, whatever the audience.
 * Entitlement is still checked per viewer before this is reached.
 */

/**
 * DateLessThan of a shared credential: now + TTL rounded up to the end of its window, so every request in one
 * window of `windowSeconds` gets the same expiry, and no viewer gets less than the configured TTL.
 */
export function sharedExpiry(nowSeconds: number, ttlSeconds: number, windowSeconds: number): number {
  return Math.ceil((nowSeconds + ttlSeconds) / windowSeconds) * windowSeconds;
}

/** Entries kept at most; far above the titles × windows a signer instance sees while they are valid. */
const MAX_ENTRIES = 10_000;

/**
 * Signed URLs by title, window and key. RSA PKCS#1 v1.5 signatures are deterministic, but ECDSA signatures
 * carry a random nonce: without this memo two viewers of one window would get different bytes (different
 * cache keys). Entries leave once expired. One memo per signer instance: see docs/live.md for what that means
 * with several instances and ECDSA keys.
 */
export class SharedSignatureMemo<T extends { expiresAt: number }> {
  private readonly entries = new Map<string, Promise<T>>();
  private readonly expiry = new Map<string, number>();

  /** The memoised value for `key`, else `sign()`'s (a failed signing is not kept). */
  get(key: string, nowSeconds: number, sign: () => Promise<T>): Promise<T> {
    const held = this.entries.get(key);
    if (held !== undefined && (this.expiry.get(key) ?? 0) > nowSeconds) return held;
    this.evict(nowSeconds);
    const made = sign();
    this.entries.set(key, made);
    this.expiry.set(key, Number.POSITIVE_INFINITY);
    made.then((value) => this.expiry.set(key, value.expiresAt), () => this.forget(key));
    return made;
  }

  get size(): number {
    return this.entries.size;
  }

  private forget(key: string): void {
    this.entries.delete(key);
    this.expiry.delete(key);
  }

  private evict(nowSeconds: number): void {
    for (const [key, expiresAt] of this.expiry) if (expiresAt <= nowSeconds) this.forget(key);
    while (this.entries.size >= MAX_ENTRIES) this.forget(this.entries.keys().next().value!);
  }
}
