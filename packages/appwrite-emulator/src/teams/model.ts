/** Teams and memberships as the emulator stores them. */

/** A user's membership of a team; `confirm` is false until an invitation is accepted. */
export interface Membership {
  id: string;
  createdAt: number;
  updatedAt: number;
  teamId: string;
  userId: string;
  roles: string[];
  invited: number;
  joined: number | null;
  confirm: boolean;
  /** sha256 of the invitation secret; null for the creator's own membership, which has none. */
  secretHash: string | null;
  /**
   * Whether anyone may read the membership: Appwrite gives invitations `read("any")`, while the
   * membership made for a team's creator is readable by that user and the team only.
   */
  readableByAny: boolean;
}

export interface Team {
  id: string;
  createdAt: number;
  updatedAt: number;
  name: string;
  prefs: Record<string, unknown>;
  /** Membership ID → membership, in creation order. */
  memberships: Map<string, Membership>;
}
