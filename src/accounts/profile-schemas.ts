import { z } from 'zod';
import type { FieldIssue } from '../platform/errors.ts';
import { plainName } from '../platform/sanitize.ts';
import { ROLE_KEYS } from './roles.ts';

export const displayNameSchema = z
  .string({ error: 'Enter your name.' })
  .overwrite(plainName)
  .trim()
  .min(1, 'Enter the name people know you by.')
  .max(80, 'Use at most 80 characters.');

/** The time zones offered in forms (ICU's canonical names). */
export const TIME_ZONES = new Set(Intl.supportedValuesOf('timeZone').concat('UTC'));

/** A zone's canonical name ("Asia/Kolkata" → "Asia/Calcutta", as ICU lists it), or null when unknown. */
export function canonicalTimeZone(zone: string): string | null {
  if (!zone || zone.length > 64) return null;
  try {
    const canonical = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
    return TIME_ZONES.has(canonical) ? canonical : null;
  } catch {
    return null;
  }
}

export const timeZoneSchema = z.string().transform((v, ctx) => {
  const canonical = canonicalTimeZone(v);
  if (!canonical) {
    ctx.addIssue({ code: 'custom', message: 'Choose a time zone from the list.' });
    return z.NEVER;
  }
  return canonical;
});

const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} can have at most ${max} characters.`)
    .transform((v) => (v === '' ? null : v))
    .nullable();

export const PASSIONS_MAX = 12;

/** "Graphic novels" → "graphicnovels": letters and digits of any script, lower-cased, so it matches #GraphicNovels. */
export function passionSlug(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export const passionNameSchema = z
  .string()
  .trim()
  .transform((v) => v.replace(/^#/, '').replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .min(2, 'A passion needs at least 2 characters.')
      .max(40, 'A passion can have at most 40 characters.')
      .refine((v) => passionSlug(v).length >= 2, 'A passion needs letters or digits.'),
  );

export const linkSchema = z.strictObject({
  label: z.string().trim().max(40, 'A link label can have at most 40 characters.').default(''),
  url: z
    .string()
    .trim()
    .max(300, 'A link can have at most 300 characters.')
    .pipe(z.url({ protocol: /^https?$/, error: 'Enter a full web address starting with https://.' })),
});
export type ProfileLink = z.infer<typeof linkSchema>;

export const LINKS_MAX = 6;

const profileFields = z.strictObject({
  displayName: displayNameSchema,
  bio: z.string().trim().max(500, 'Your bio can have at most 500 characters.'),
  role: z.enum(ROLE_KEYS, { error: 'Choose a role from the list.' }).nullable(),
  roleOther: optionalText(60, 'Your role'),
  organisation: optionalText(120, 'Organisation'),
  location: optionalText(120, 'Location'),
  timeZone: timeZoneSchema,
  passions: z.array(passionNameSchema).max(PASSIONS_MAX, `Choose at most ${PASSIONS_MAX} passions.`),
  links: z.array(linkSchema).max(LINKS_MAX, `Add at most ${LINKS_MAX} links.`),
  profileVisibility: z.enum(['public', 'members'], { error: 'Choose who can see your profile.' }),
});

/** The rule across fields: a role of "other" needs the member's own words. */
export function profileIssues(value: { role: string | null; roleOther: string | null }): FieldIssue[] {
  return value.role === 'other' && !value.roleOther ? [{ path: 'roleOther', message: 'Describe your role in a few words.' }] : [];
}

/** The editable profile. The same schema validates the settings form and PATCH /api/v1/profile. */
export const profileSchema = profileFields.superRefine((value, ctx) => {
  for (const issue of profileIssues(value)) ctx.addIssue({ code: 'custom', path: [issue.path], message: issue.message });
});
export type ProfileInput = z.infer<typeof profileSchema>;

/** For PATCH: any subset of the profile fields; the service checks `profileIssues` on the merged result. */
export const profilePatchSchema = profileFields.partial();
export type ProfilePatch = z.infer<typeof profilePatchSchema>;
