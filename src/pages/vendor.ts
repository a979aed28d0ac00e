/**
 * Browser libraries this service serves from its own origin (campus intranets and mainland networks
 * block CDNs): each public name under /vendor/ and the file of the pinned npm package it is. On Node
 * the file is read from node_modules (src/lib/docs-asset.ts); on Workers wrangler's build step copies
 * the same files into the static assets (scripts/vendor-assets.ts, wrangler.toml [build]).
 *
 * The version is the one package.json pins exactly; it goes in the URL so a long cache is safe.
 */
export const VENDOR_FILES = {
  // Jodit (MIT): the WYSIWYG editor of the draft form; the "fat" build has every plugin in one file.
  'jodit.js': { file: 'jodit/es2021/jodit.fat.min.js', type: 'text/javascript; charset=utf-8', version: '4.15.13' },
  'jodit.css': { file: 'jodit/es2021/jodit.fat.min.css', type: 'text/css; charset=utf-8', version: '4.15.13' },
} as const;

export type VendorName = keyof typeof VENDOR_FILES;

export const VENDOR_PATH = '/vendor';

export const vendorUrl = (name: VendorName) => `${VENDOR_PATH}/${name}?v=${VENDOR_FILES[name].version}`;

export const isVendorName = (name: string): name is VendorName => Object.hasOwn(VENDOR_FILES, name);
