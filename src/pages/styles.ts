/** The pages' only stylesheet, served from {@link STYLESHEET_PATH} (CSP `style-src 'self'`). */
export const STYLESHEET = `
:root { color-scheme: light dark; --accent: #c2185b; --fg: #1b1b1f; --bg: #fafafa; --muted: #5c5c66;
  --card: #fff; --line: #d4d4da; --error-bg: #fdecea; --error-fg: #8a1c12; }
@media (prefers-color-scheme: dark) { :root { --fg: #ececf1; --bg: #16161a; --muted: #a8a8b3;
  --card: #1f1f25; --line: #3a3a44; --error-bg: #3b1512; --error-fg: #ffb4a9; --accent: #f06292; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: .75rem 1.25rem; border-bottom: 1px solid var(--line); }
header a { color: var(--fg); font-weight: 600; text-decoration: none; }
main { max-width: 34rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; } h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
section > h2:first-child, form.card > h2:first-child { margin-top: 0; }
section, form.card { background: var(--card); border: 1px solid var(--line); border-radius: .5rem; padding: 1rem 1.25rem; margin: 1rem 0; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input[type=email], input[type=password], input[type=text] { width: 100%; padding: .55rem .65rem; font: inherit;
  color: inherit; background: var(--bg); border: 1px solid var(--muted); border-radius: .35rem; }
input[aria-invalid=true] { border-color: var(--error-fg); }
button, .button { display: inline-block; margin-top: 1rem; padding: .55rem 1rem; font: inherit; font-weight: 600;
  color: #fff; background: var(--accent); border: 0; border-radius: .35rem; text-decoration: none; cursor: pointer; }
.secondary { color: var(--fg); background: transparent; border: 1px solid var(--muted); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.alert { padding: .75rem 1rem; border-radius: .35rem; background: var(--error-bg); color: var(--error-fg); font-weight: 600; }
.hint, .muted { color: var(--muted); font-size: .9rem; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.actions form { margin: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; } dt { font-weight: 600; } dd { margin: 0; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; } caption { text-align: left; color: var(--muted); padding-bottom: .25rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); }
textarea { width: 100%; min-height: 8rem; font: .85rem/1.4 ui-monospace, monospace; color: inherit; background: var(--bg);
  border: 1px solid var(--muted); border-radius: .35rem; padding: .5rem; overflow-wrap: anywhere; }
`;

/** FNV-1a of the stylesheet: a new URL whenever it changes, so browsers and CDNs may cache it for good. */
const fingerprint = (text: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(36);
};

/** Where the stylesheet is served; the name changes with its content. */
export const STYLESHEET_PATH = `/assets/style.${fingerprint(STYLESHEET)}.css`;
