import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import type { LookupFunction } from 'node:net';
import https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { PermanentSendError } from './channel';
import { addressAllowed, ipv4Compatible, schemeProblem, shortReason, type OutboundPolicy, type OutboundPost, type OutboundResponse } from './outbound';

/**
 * The one way the Node workers call outside URLs (robots, webhooks). Node only.
 *
 * Destinations are filtered where the connection is made, after DNS resolution, by
 * request-filtering-agent (literal addresses before connecting, every resolved address of a host
 * name in the agent's lookup), so a name that resolves to 127.0.0.1 or re-resolves to the metadata
 * service is refused just like the address itself. Redirects are not followed: a 3xx answer is
 * returned as it is, since following it could lead inside. Answers are read up to a few KiB only.
 */
export function filteredPost(policy: OutboundPolicy, opts: { timeoutMs?: number; maxResponseBytes?: number } = {}): OutboundPost {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxBytes = opts.maxResponseBytes ?? 16 * 1024;
  const filter = { allowPrivateIPAddress: false, allowMetaIPAddress: false, allowIPAddressList: [...policy.allowAddresses] };
  const agents = { 'http:': new RequestFilteringHttpAgent(filter), 'https:': new RequestFilteringHttpsAgent(filter) };
  // The agent classes addresses as ipaddr.js does, which takes ::/96 (IPv4-compatible) for unicast:
  // such addresses are refused here, literal ones before connecting, resolved ones in the lookup.
  const hidden = (address: string) => ipv4Compatible(address) && !addressAllowed(address, policy);
  type Answer = (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
  const lookup = ((hostname: string, options: dns.LookupOptions, callback: Answer) => {
    dns.lookup(hostname, options, (err, address, family?: number) => {
      const refused = err ? undefined : (Array.isArray(address) ? address.map((a) => a.address) : [address]).find(hidden);
      // Worded as the agent words its refusals, so that classify() reads it as one.
      if (refused) return callback(new Error(`DNS lookup ${refused}(host:${hostname}) is not allowed. Because, it is an IPv4 address in IPv6 form.`));
      return callback(err, address, family);
    });
  }) as LookupFunction;

  return (url, body, headers) => {
    // Checked again at send time: a URL stored before the rules (or under looser settings) is
    // refused. Addresses, literal or resolved, are the agent's to judge.
    const problem = schemeProblem(url, policy);
    if (problem) return Promise.reject(new PermanentSendError(`refused: ${problem.en}`));
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[|\]$/g, '');
    if (hidden(literal)) return Promise.reject(refusedHost(target.hostname));
    const transport = target.protocol === 'https:' ? https : http;
    return new Promise<OutboundResponse>((resolve, reject) => {
      const req = transport.request(target, {
        method: 'POST',
        agent: agents[target.protocol as 'http:' | 'https:'],
        lookup,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      });
      const timer = setTimeout(() => req.destroy(new Error(`timeout after ${timeoutMs} ms`)), timeoutMs);
      req.on('error', (err) => { clearTimeout(timer); reject(classify(err, target.hostname)); });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => { clearTimeout(timer); resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }); };
        res.on('data', (chunk: Buffer) => {
          if (size >= maxBytes) return;
          chunks.push(chunk.subarray(0, maxBytes - size));
          size += chunk.length;
          // Enough to read a result code: the rest of a large answer is not waited for.
          if (size >= maxBytes) { res.destroy(); done(); }
        });
        res.on('end', done);
        res.on('error', (err) => { clearTimeout(timer); reject(classify(err, target.hostname)); });
      });
      req.end(body);
    });
  };
}

/**
 * A refused destination is permanent (the unit's URL must change); a network failure is retried.
 * Either way the reason is short and says nothing a target chose to say.
 */
const refusedHost = (host: string) => new PermanentSendError(`refused: ${shortReason(host, 100)} is or resolves to a loopback, private, link-local or reserved address (see OUTBOUND_ALLOW_ADDRESSES)`);

function classify(err: Error & { code?: string }, host: string): Error {
  if (/is not allowed\. Because/.test(err.message)) return refusedHost(host);
  return new Error(shortReason(err.code ? `network error ${err.code}` : err.message));
}
