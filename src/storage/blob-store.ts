/**
 * Where file bytes live: one small interface over a local directory (Node), S3-compatible object
 * storage (any host with fetch) and an R2 binding (Workers). Blobs are content-addressed: the key
 * is the sha256 of the bytes, so a blob never changes and storing it twice is harmless.
 */
export interface BlobStore {
  readonly kind: 'local' | 's3' | 'r2';
  put(sha256: string, bytes: Uint8Array, type: string): Promise<void>;
  /** The bytes, or null when no blob has that hash. */
  get(sha256: string): Promise<Uint8Array | null>;
}

/** `sha256/ab/abcdef…`: fanned out by the first byte so no directory or prefix grows huge. */
export function blobKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** The R2 binding's surface this service uses (`[[r2_buckets]]` in wrangler.toml). */
export interface R2BucketLike {
  put(key: string, value: Uint8Array, options?: { httpMetadata?: { contentType?: string } }): Promise<unknown>;
  get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
}

export function r2Store(bucket: R2BucketLike): BlobStore {
  return {
    kind: 'r2',
    async put(sha256, bytes, type) {
      await bucket.put(blobKey(sha256), bytes, { httpMetadata: { contentType: type } });
    },
    async get(sha256) {
      const object = await bucket.get(blobKey(sha256));
      return object ? new Uint8Array(await object.arrayBuffer()) : null;
    },
  };
}
