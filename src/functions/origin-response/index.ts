// Lambda@Edge origin-response entry (bundled to dist/functions/origin-response/index.mjs).
export { handler } from '../../edge/origin-response.js';
