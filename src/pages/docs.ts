import { FONT_FAMILY } from './assets/fonts';
import { html } from 'hono/html';

/** Where this service serves the API reference's renderer (@scalar/api-reference's standalone bundle). */
export const DOCS_SCRIPT_PATH = '/docs/api-reference.js';

/**
 * The renderer's settings: nothing on the page may reach another origin (campus intranets, and
 * jsDelivr or scalar.com blocked in mainland China), so no font download, no telemetry, no AI agent,
 * no developer toolbar (its Deploy / Share / Generate SDK buttons call scalar.com), no request proxy,
 * no "Open API Client" button (it opens client.scalar.com with this document's address). "Test
 * Request" stays: it calls this service from the page itself.
 */
const CONFIGURATION = {
  url: '/openapi.json',
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: 'never',
  hideClientButton: true,
  documentDownloadType: 'json',
  defaultOpenAllTags: false,
} as const;

/**
 * /docs: the API reference, rendered in the browser from /openapi.json by a script this service
 * serves itself. No inline script: the configuration travels in a data attribute the bundle reads.
 */
export function docsPage() {
  return html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Imprimatur API 接口文档</title>
<style>body{margin:0;font-family:${FONT_FAMILY}}</style>
</head>
<body>
<noscript>接口文档需要 JavaScript；机器可读的文档见 <a href="/openapi.json">/openapi.json</a>。 / The API reference needs JavaScript; the document itself is at /openapi.json.</noscript>
<script id="api-reference" data-configuration="${JSON.stringify(CONFIGURATION)}"></script>
<script src="${DOCS_SCRIPT_PATH}"></script>
</body>
</html>`;
}
