// The app imports hono-appwrite from its build: build it first if its sources changed since.
// The suites import the emulator from its sources (see vitest.config.ts), so it needs no build here.
import { build, isStale } from '../../tools/build-packages.ts';

export default function setup(): void {
  if (isStale('hono-appwrite')) build('hono-appwrite');
}
