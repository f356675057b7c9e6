/**
 * The email attributes Appwrite 1.9 derives with utopia-php/emails' `Email` class and reports on the
 * User and Account models: the canonical address (provider-specific aliasing removed) and whether
 * the domain is free, disposable or corporate.
 *
 * The domain lists are a small subset of utopia-php/emails' (which hold thousands of entries): the
 * best-known free mailbox providers and disposable-mail services. Any other domain is corporate.
 */

export interface EmailMetadata {
  emailCanonical: string | null;
  emailIsCanonical: boolean | null;
  emailIsCorporate: boolean | null;
  emailIsDisposable: boolean | null;
  emailIsFree: boolean | null;
}

const FREE_DOMAINS = new Set([
  '163.com',
  'aol.com',
  'gmail.com',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'googlemail.com',
  'hotmail.co.uk',
  'hotmail.com',
  'icloud.com',
  'live.co.uk',
  'live.com',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'outlook.co.uk',
  'outlook.com',
  'pm.me',
  'proton.me',
  'protonmail.com',
  'qq.com',
  'rocketmail.com',
  'web.de',
  'yahoo.ca',
  'yahoo.co.uk',
  'yahoo.com',
  'yandex.com',
  'yandex.ru',
  'ymail.com',
  'zoho.com',
]);

const DISPOSABLE_DOMAINS = new Set([
  '10minutemail.com',
  'dispostable.com',
  'getnada.com',
  'guerrillamail.com',
  'mailinator.com',
  'maildrop.cc',
  'sharklasers.com',
  'temp-mail.org',
  'tempmail.com',
  'throwawaymail.com',
  'trashmail.com',
  'yopmail.com',
]);

/** Providers whose canonical form differs from the lower-cased address (utopia-php/emails `Canonicals`). */
const CANONICAL_PROVIDERS: { domains: string[]; domain: string; local: (local: string) => string }[] = [
  // Gmail ignores dots and everything after `+`.
  {
    domains: ['gmail.com', 'googlemail.com'],
    domain: 'gmail.com',
    local: (local) => local.replaceAll('.', '').split('+')[0] ?? '',
  },
  {
    domains: ['outlook.com', 'hotmail.com', 'live.com', 'outlook.co.uk', 'hotmail.co.uk', 'live.co.uk'],
    domain: 'outlook.com',
    local: (local) => local,
  },
  {
    domains: ['yahoo.com', 'yahoo.co.uk', 'yahoo.ca', 'ymail.com', 'rocketmail.com'],
    domain: 'yahoo.com',
    local: (local) => local,
  },
];

const NONE: EmailMetadata = {
  emailCanonical: null,
  emailIsCanonical: null,
  emailIsCorporate: null,
  emailIsDisposable: null,
  emailIsFree: null,
};

/** Derives the metadata of an address; all null without an address or for one that does not parse. */
export const emailMetadata = (email: string | null): EmailMetadata => {
  const address = (email ?? '').trim().toLowerCase();
  const parts = address.split('@');
  const [local, domain] = parts;
  if (parts.length !== 2 || !local || !domain) return NONE;
  const provider = CANONICAL_PROVIDERS.find((candidate) => candidate.domains.includes(domain));
  const canonical = provider ? `${provider.local(local)}@${provider.domain}` : address;
  const disposable = DISPOSABLE_DOMAINS.has(domain);
  const free = FREE_DOMAINS.has(domain) && !disposable;
  return {
    emailCanonical: canonical,
    emailIsCanonical: address === canonical,
    emailIsCorporate: !free && !disposable,
    emailIsDisposable: disposable,
    emailIsFree: free,
  };
};
