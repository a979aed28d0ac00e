import { AwsClient } from 'aws4fetch';
import { blobKey, type BlobStore } from './blob-store';

export interface S3Settings {
  /** e.g. https://s3.cn-north-1.amazonaws.com.cn, https://<account>.r2.cloudflarestorage.com, http://minio:9000 */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * S3-compatible object storage over SigV4-signed fetch (aws4fetch): path-style URLs, so MinIO,
 * Ceph, OSS/COS S3 endpoints and R2's S3 API all work, and nothing Node-only is needed.
 */
export function s3Store(settings: S3Settings, timeoutMs = 30_000): BlobStore {
  const client = new AwsClient({ accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey, region: settings.region, service: 's3' });
  const url = (sha256: string) => `${settings.endpoint.replace(/\/+$/, '')}/${encodeURIComponent(settings.bucket)}/${blobKey(sha256)}`;
  const fail = async (res: Response, what: string) => new Error(`S3 ${what} failed: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
  return {
    kind: 's3',
    async put(sha256, bytes, type) {
      const res = await client.fetch(url(sha256), {
        method: 'PUT', body: bytes as Uint8Array<ArrayBuffer>, headers: { 'content-type': type, 'content-length': String(bytes.byteLength) }, signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw await fail(res, 'PUT');
      await res.arrayBuffer();
    },
    async get(sha256) {
      const res = await client.fetch(url(sha256), { method: 'GET', signal: AbortSignal.timeout(timeoutMs) });
      if (res.status === 404) {
        await res.arrayBuffer();
        return null;
      }
      if (!res.ok) throw await fail(res, 'GET');
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}
