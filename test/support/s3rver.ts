import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no types
import S3rver from 's3rver';

/**
 * A real S3-compatible server (s3rver) on a random port, with one bucket, checking SigV4
 * signatures for its fixed credentials. The env the app needs to use it comes back ready.
 */
export async function startS3(bucket = 'imprimatur-files') {
  const directory = mkdtempSync(join(tmpdir(), 'imp-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: [{ name: bucket }], allowMismatchedSignatures: false });
  const { port } = (await server.run()) as AddressInfo;
  return {
    env: {
      FILE_STORAGE: 's3', S3_ENDPOINT: `http://127.0.0.1:${port}`, S3_BUCKET: bucket, S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER',
    },
    directory,
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
