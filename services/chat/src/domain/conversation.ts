import type { MemberRole } from '../db/schema.ts';

/** The one direct conversation of a pair has the same key whoever starts it. */
export function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

const rank: Record<MemberRole, number> = { member: 0, admin: 1, owner: 2 };

/** Who may change a group: owners and admins manage members; only owners manage admins. */
export function canManage(actor: MemberRole, target: MemberRole | undefined, newRole?: MemberRole): boolean {
  if (actor === 'member') return false;
  if (target === 'owner') return false;
  if (actor === 'owner') return true;
  // An admin may add or remove plain members only.
  return (target === undefined || rank[target] < rank.admin) && (newRole === undefined || newRole === 'member');
}

export function canEditGroup(role: MemberRole): boolean {
  return role !== 'member';
}
