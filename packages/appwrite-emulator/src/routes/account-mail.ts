import { html } from 'hono/html';
import type { OutgoingMail } from '../outbox.ts';

/** The emails the Account service sends, with the subjects and preview lines of Appwrite's `en` locale. */
export type AccountMailKind = 'verification' | 'recovery' | 'magicSession' | 'otpSession';

interface MailInput {
  projectId: string;
  projectName: string;
  to: { address: string; name: string };
  /** The link with `userId`, `secret`, `expire` and `project` in its query (link emails). */
  link?: string;
  /** The six-digit code (OTP emails). */
  otp?: string;
  /** The security phrase, when the caller asked for one. */
  phrase?: string;
}

interface Template {
  subject: (project: string) => string;
  preview: (project: string, otp: string) => string;
  /** The paragraph before the link or code. */
  intro: string;
  outro: string;
}

const TEMPLATES: Record<AccountMailKind, Template> = {
  verification: {
    subject: (project) => `Account Verification for ${project}`,
    preview: (project) => `Verify your email to activate your ${project} account.`,
    intro: 'Follow this link to verify your email address.',
    outro: "If you didn't ask to verify this address, you can ignore this message.",
  },
  recovery: {
    subject: (project) => `Password Reset for ${project}`,
    preview: (project) => `Reset your ${project} password using the link.`,
    intro: 'Follow this link to reset your password.',
    outro: "If you didn't ask to reset your password, you can ignore this message.",
  },
  magicSession: {
    subject: (project) => `${project} Login`,
    preview: (project) => `Sign in to ${project} with your secure link. Expires in 1 hour.`,
    intro: 'Follow this link to sign in.',
    outro: "If you didn't ask to sign in using this email, you can ignore this message.",
  },
  otpSession: {
    subject: (project) => `OTP for ${project} Login`,
    preview: (project, otp) => `Use OTP ${otp} to sign in to ${project}. Expires in 15 minutes.`,
    intro: 'Enter the following verification code when prompted to securely sign in to your account.',
    outro: "If you didn't ask to sign in using this email, you can ignore this message.",
  },
};

/**
 * Renders one of the Account service's emails as Appwrite's templates lay it out: the preview line,
 * a greeting, the link (HTML-escaped in the HTML body, raw in the text) or the code, the security
 * phrase when one was requested, and the project's signature.
 */
export const accountMail = (kind: AccountMailKind, input: MailInput): OutgoingMail => {
  const template = TEMPLATES[kind];
  const project = input.projectName;
  const otp = input.otp ?? '';
  const preview = template.preview(project, otp);
  const greeting = `Hello ${input.to.name},`.replace(' ,', ',');
  const secretLine = input.link ?? otp;
  const phraseLine = input.phrase
    ? `The security phrase for this email is ${input.phrase}. You can trust this email if this phrase matches the phrase shown during sign in.`
    : '';
  const text = [
    preview,
    greeting,
    template.intro,
    secretLine,
    phraseLine,
    template.outro,
    `Thanks,\n${project} team`,
  ]
    .filter((line) => line !== '')
    .join('\n\n');
  const body = html`<!doctype html>
<html>
  <body>
    <p style="display: none">${preview}</p>
    <p>${greeting}</p>
    <p>${template.intro}</p>
    ${input.link ? html`<p><a href="${input.link}" target="_blank">${input.link}</a></p>` : html`<p><strong>${otp}</strong></p>`}
    ${phraseLine ? html`<p>${phraseLine}</p>` : ''}
    <p>${template.outro}</p>
    <p>Thanks,<br />${project} team</p>
  </body>
</html>`;
  return {
    projectId: input.projectId,
    to: input.to,
    subject: template.subject(project),
    html: String(body),
    text,
  };
};

/**
 * Appends `userId`, `secret`, `expire` and `project` to the caller's URL, keeping its own query
 * parameters (Appwrite's `Template::mergeQuery`); values are percent-encoded, so the text body holds
 * `expire=2026-01-01T00%3A00%3A00.000%2B00%3A00`.
 */
export const linkWithSecret = (url: string, params: Record<string, string>): string => {
  const target = new URL(url);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  return target.toString();
};
