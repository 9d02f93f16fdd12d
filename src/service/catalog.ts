/**
 * Rules for a signer catalog (content id -> title folder). A signed URL for a title covers its whole folder: the
 * custom policy's Resource is `<folder>*`, and CloudFront's `*` matches any run of characters, `/` included, so
 * no policy can cover a folder without its subfolders. A title stored inside another title's folder would then
 * play with the outer title's URL, whatever the viewer's entitlements say; a catalog with one is refused.
 */
import { ConfigError } from '../errors.js';

/**
 * Throws a ConfigError naming the first title whose folder lies inside another title's folder.
 *
 * @example
 * assertNoNestedTitles({ 'movies/42': '/movies/42/', 'movies/42/bonus': '/movies/42/bonus/' }); // throws
 */
export function assertNoNestedTitles(titles: Readonly<Record<string, string>>): void {
  const entries = Object.entries(titles);
  for (const [outerId, outer] of entries) {
    for (const [innerId, inner] of entries) {
      if (inner !== outer && inner.startsWith(outer)) {
        throw new ConfigError(
          `title "${innerId}" (${inner}) is inside title "${outerId}" (${outer}): a URL signed for ${outerId} (Resource ${outer}*) ` +
            `would also play ${innerId}, whatever the viewer's entitlements; move one so that no title folder holds another`,
        );
      }
    }
  }
}
