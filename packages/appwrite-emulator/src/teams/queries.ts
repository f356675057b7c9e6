/** How the Teams routes read list queries where they differ from the Users routes' (see ListRules). */
import type { ListRules } from '../list-queries.ts';

/**
 * Appwrite's full-text `search` as MariaDB runs it in boolean mode: the term's words, the last one
 * as a prefix, any of them matching a word of the indexed text.
 */
const searchMatch =
  (term: string) =>
  (text: string): boolean => {
    const words = term
      .toLowerCase()
      .replace(/[^\p{L}\p{N}_.@-]+/gu, ' ')
      .trim()
      .split(' ')
      .filter(Boolean);
    if (words.length === 0) return true;
    const indexed = text.toLowerCase().split(/[^\p{L}\p{N}_]+/u);
    return words.some((word, index) => {
      const parts = word.split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
      return parts.some((part) =>
        index === words.length - 1
          ? indexed.some((candidate) => candidate.startsWith(part))
          : indexed.includes(part),
      );
    });
  };

export const TEAM_LIST_RULES: Partial<ListRules> = {
  emptyCursor: 'Cursor must contain at least one value',
  cursorAmongMatches: true,
  searchMatch,
};
