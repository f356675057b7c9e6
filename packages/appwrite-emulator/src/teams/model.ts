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
  /** sha256 of the invitation secret while the invitation is open. */
  secretHash: string | null;
}

export interface Team {
  id: string;
  createdAt: number;
  updatedAt: number;
  name: string;
  prefs: Record<string, unknown>;
  /** Membership ID → membership. */
  memberships: Map<string, Membership>;
}
