// origin-response deployed as Lambda@Edge (template.yaml OriginResponseFunction), bundled to
// dist/functions/lambda-edge-origin-response/index.mjs.
export { handler } from '../../edge/origin-response.js';
