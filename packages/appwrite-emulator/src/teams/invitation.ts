/** The invitation email Appwrite sends when a client invites someone to a team. */
import { html } from 'hono/html';

/** What the invitation names: the inviting user, the invitee, the team, the project and the link. */
export interface Invitation {
  owner: string;
  user: string;
  team: string;
  project: string;
  redirect: string;
}

/**
 * The accept link: the caller's `url` with `membershipId`, `userId`, `secret`, `teamId` and
 * `teamName` merged into its query (before any fragment), as Appwrite's `Template::mergeQuery`.
 */
export const invitationUrl = (url: string, values: Record<string, string>): string => {
  const target = new URL(url);
  for (const [key, value] of Object.entries(values)) target.searchParams.set(key, value);
  return target.toString();
};

/** Subject, HTML and text of Appwrite's English invitation template. */
export const invitationMail = (invitation: Invitation): { subject: string; html: string; text: string } => {
  const { owner, user, team, project, redirect } = invitation;
  const text = [
    `Hello ${user},`,
    '',
    `This mail was sent to you because ${owner} wanted to invite you to become a member of the ${team} team at ${project}.`,
    '',
    redirect,
    '',
    'If you are not interested, you can ignore this message.',
    '',
    'Thanks,',
    `${project} team`,
  ].join('\n');
  const body = html`<p>Hello ${user},</p>
<p>This mail was sent to you because ${owner} wanted to invite you to become a member of the ${team} team at ${project}.</p>
<p><a href="${redirect}">Accept invitation</a></p>
<p>If you are not interested, you can ignore this message.</p>
<p>Thanks,<br />${project} team</p>`;
  return { subject: `Invitation to ${team} Team at ${project}`, html: String(body), text };
};
