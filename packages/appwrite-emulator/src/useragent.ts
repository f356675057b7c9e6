import { createRequire } from 'node:module';

/** The part of node-device-detector's result the emulator reads (fields may be absent). */
interface Detection {
  os: { name?: string; short_name?: string; version?: string };
  client: {
    type?: string;
    name?: string;
    short_name?: string;
    version?: string;
    engine?: string;
    engine_version?: string;
  };
  device: { type?: string; brand?: string; model?: string };
}
interface Detector {
  detect(userAgent: string): Detection;
}

// The package is CommonJS (`module.exports = DeviceDetector`) while its typings declare an ES
// default export, which TypeScript's nodenext resolution cannot reconcile; load it with require().
const DeviceDetector = createRequire(import.meta.url)('node-device-detector') as new (
  options: Record<string, boolean>,
) => Detector;

/** The session fields Appwrite derives from a user agent (Matomo device-detector codes). */
export interface UserAgentInfo {
  userAgent: string;
  osCode: string;
  osName: string;
  osVersion: string;
  clientType: string;
  clientCode: string;
  clientName: string;
  clientVersion: string;
  clientEngine: string;
  clientEngineVersion: string;
  deviceName: string;
  deviceBrand: string;
  deviceModel: string;
}

// node-device-detector is a port of the Matomo detector Appwrite uses, so codes such as
// `CH`/`CM` and `WIN` match real sessions. Parsing an unknown agent is slow, hence the cache.
let detector: Detector | undefined;
const cache = new Map<string, UserAgentInfo>();
const CACHE_LIMIT = 500;
/** How much of a user agent is parsed. */
const MAX_PARSED_LENGTH = 512;

/**
 * Matomo DeviceDetector's default version truncation (`VERSION_TRUNCATION_MINOR`), which Appwrite's
 * detector keeps: a major part and one minor part, so `70.0.3538.77` becomes `70.0`.
 */
export const truncateVersion = (version: string): string => version.split('.').slice(0, 2).join('.');

/** Parses a user agent into Appwrite's session fields; empty strings where nothing is known. */
export const parseUserAgent = (fullUserAgent: string): UserAgentInfo => {
  // The detector's regexes backtrack for seconds on a long crafted agent, blocking every request;
  // real agents are far shorter than this.
  const userAgent = fullUserAgent.slice(0, MAX_PARSED_LENGTH);
  const cached = cache.get(userAgent);
  if (cached) return cached;
  detector ??= new DeviceDetector({ deviceIndexes: true, clientIndexes: true, osIndexes: true });
  const { os, client, device } = detector.detect(userAgent);
  const info: UserAgentInfo = {
    userAgent,
    osCode: os.short_name ?? '',
    osName: os.name ?? '',
    osVersion: truncateVersion(os.version ?? ''),
    clientType: client.type ?? '',
    clientCode: client.short_name ?? '',
    clientName: client.name ?? '',
    clientVersion: truncateVersion(client.version ?? ''),
    clientEngine: client.engine ?? '',
    clientEngineVersion: client.engine_version ?? '',
    deviceName: device.type ?? '',
    deviceBrand: device.brand ?? '',
    deviceModel: device.model ?? '',
  };
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(userAgent, info);
  return info;
};
