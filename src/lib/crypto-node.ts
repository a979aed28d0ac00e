import { createHmac } from 'node:crypto';
import type { SyncHmac } from './crypto';

/** Node's HMAC-SHA256 for useSyncHmac (Node only: src/runtime.ts installs it; a Worker keeps Web Crypto). */
export const nodeHmac: SyncHmac = (secret, message) => createHmac('sha256', secret).update(message).digest('hex');
