/** The curated list of roles a member picks from (plus "other" with their own words). */
export const ROLES = [
  { key: 'school_librarian', label: 'School librarian' },
  { key: 'public_librarian', label: 'Public librarian' },
  { key: 'academic_librarian', label: 'Academic librarian' },
  { key: 'library_staff', label: 'Library staff' },
  { key: 'teacher', label: 'Teacher' },
  { key: 'administrator', label: 'School or library administrator' },
  { key: 'social_worker', label: 'Social worker' },
  { key: 'educator', label: 'Instructor or teacher educator' },
  { key: 'researcher', label: 'Researcher' },
  { key: 'author', label: 'Author or illustrator' },
  { key: 'student', label: 'Student' },
  { key: 'other', label: 'Other' },
] as const;

export type RoleKey = (typeof ROLES)[number]['key'];
export const ROLE_KEYS = ROLES.map((r) => r.key) as [RoleKey, ...RoleKey[]];

const LABELS = new Map<string, string>(ROLES.map((r) => [r.key, r.label]));

/** What to show for a role: its label, or the member's own words for "other". */
export function roleLabel(role: string | null, roleOther?: string | null): string | null {
  if (!role) return null;
  if (role === 'other') return roleOther?.trim() || 'Other';
  return LABELS.get(role) ?? null;
}
