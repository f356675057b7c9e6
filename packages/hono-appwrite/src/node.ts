/**
 * What only Node, Bun and Deno servers need: node-appwrite over pooled keep-alive connections
 * (Node), synchronous hashing and JWT checks (`node:crypto`), and JSON answers to requests Node's
 * HTTP parser rejects.
 *
 * @module
 */
export { answerClientErrorsAsJson } from './platform/client-error.ts';
export { nodeCrypto } from './platform/node-crypto.ts';
export { type PoolTransportOptions, poolTransport } from './platform/undici-pool.ts';
