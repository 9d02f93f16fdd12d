// Lambda@Edge viewer-request entry (bundled to dist/functions/viewer-request/index.mjs). Imports no AWS SDK.
export { handler } from '../../edge/viewer-request.js';
