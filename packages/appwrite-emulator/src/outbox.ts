import { Hono } from 'hono';
import { formatDate } from './clock.ts';
import type { EmulatorContext } from './context.ts';
import { uniqueId } from './crypto.ts';
import type { Mail } from './model.ts';

/** What a route hands to {@link sendMail}. */
export interface OutgoingMail {
  projectId: string;
  to: { address: string; name?: string };
  subject: string;
  html: string;
  text: string;
}

/** The sender Appwrite uses when a project has no custom SMTP settings. */
const SENDER = { address: 'team@appwrite.io', name: 'Appwrite' };

/** Puts an email in the outbox. */
export const sendMail = (emulator: EmulatorContext, mail: OutgoingMail): Mail => {
  const now = emulator.clock.now();
  const stored: Mail = {
    id: uniqueId(now),
    projectId: mail.projectId,
    time: now,
    from: SENDER,
    to: { address: mail.to.address, name: mail.to.name ?? '' },
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
  };
  emulator.state.outbox.push(stored);
  return stored;
};

/** One email in maildev's REST shape (`GET /email`), the shape Appwrite's own e2e tests read. */
const maildevModel = (mail: Mail) => ({
  id: mail.id,
  time: formatDate(mail.time),
  date: formatDate(mail.time),
  subject: mail.subject,
  from: [mail.from],
  to: [mail.to],
  html: mail.html,
  text: mail.text,
  headers: { 'x-appwrite-project': mail.projectId },
  attachments: [],
});

/**
 * maildev's REST API over the outbox: `GET /email` (oldest first), `GET /email/:id`,
 * `DELETE /email/:id`, `DELETE /email/all`. Like maildev it needs no credential; the emulator
 * answers loopback names only and sends no CORS headers here, so other sites cannot read it.
 */
export const outboxRoutes = (emulator: EmulatorContext) =>
  new Hono()
    .get('/email', (c) => c.json(emulator.state.outbox.map(maildevModel)))
    .delete('/email/all', (c) => {
      emulator.state.outbox = [];
      return c.json(true);
    })
    .get('/email/:id', (c) => {
      const mail = emulator.state.outbox.find((candidate) => candidate.id === c.req.param('id'));
      return mail ? c.json(maildevModel(mail)) : c.json({ error: 'Email was not found' }, 404);
    })
    .delete('/email/:id', (c) => {
      const before = emulator.state.outbox.length;
      emulator.state.outbox = emulator.state.outbox.filter((mail) => mail.id !== c.req.param('id'));
      return before === emulator.state.outbox.length
        ? c.json({ error: 'Email was not found' }, 404)
        : c.json(true);
    });
