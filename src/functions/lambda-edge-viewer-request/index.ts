// The viewer-request rule deployed as Lambda@Edge (template.yaml ViewerRequestFunction, the default
// ViewerRequestKind), bundled to dist/functions/lambda-edge-viewer-request/index.mjs. Imports no AWS SDK. The same
// rule as a CloudFront Function is src/cloudfront-functions/viewer-request.ts (ViewerRequestKind=cloudfront-function).
export { handler } from '../../edge/viewer-request.js';
