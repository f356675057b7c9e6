// The app imports hono-appwrite from its build: build it first if its sources changed since.
import { buildLibrary, libraryIsStale } from '../../tools/build-library.ts';

export default function setup(): void {
  if (libraryIsStale()) buildLibrary();
}
