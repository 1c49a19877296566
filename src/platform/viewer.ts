/**
 * The signed-in member, as every request sees them: who is asking, for the rules of every
 * capability (what they may see and do). Made by the accounts capability from a session or
 * a token (see web/middleware.ts).
 */
export interface Viewer {
  memberId: number;
  actorId: number;
  handle: string;
  displayName: string;
  avatarUrl: string | null;
  isAdmin: boolean;
  timeZone: string;
}
