// Internal entry points the tests reach into, gathered in one place.
export { assertPlaylist, isPlaylist, rewritePlaylist, rewritePlaylistDetailed } from '../../src/rewriter/index.js';
export { parseAttributeList as parseAttributeListForTest } from '../../src/hls/index.js';
