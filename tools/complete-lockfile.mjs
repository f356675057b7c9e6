#!/usr/bin/env node
// The npm registry reachable from our machines carries only the linux-glibc builds of some
// platform packages (Biome's and Deno's binaries), so `npm install` writes a package-lock.json that
// lacks the other platforms' optional entries, and `npm ci` then refuses the lockfile as out of
// sync. This adds a stub entry (version, os, cpu, libc) for each missing optional platform
// package; npm ci skips them on non-matching machines, as it would with complete entries.
// Run after any `npm install` that changes the lockfile: `npm run lockfile`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
const platform = (name) => {
  const os = ['darwin', 'win32', 'linux', 'android', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'aix'].find(
    (o) => name.includes(o),
  );
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'mips64el', 'ppc64', 'riscv64', 's390x'].find((c) =>
    name.includes(c),
  );
  if (!os || !cpu) return null;
  const entry = { os: [os], cpu: [cpu] };
  if (os === 'linux') entry.libc = [name.includes('musl') ? 'musl' : 'glibc'];
  return entry;
};

let added = 0;
for (const [key, meta] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    if (packages[target] || packages[`${key}/${target}`]) continue;
    const where = platform(name);
    if (!where) continue;
    packages[target] = { version, ...(meta.dev ? { dev: true } : {}), optional: true, ...where };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} missing optional platform entries`);
