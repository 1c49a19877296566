import { z } from 'zod';
import { displayNameSchema, timeZoneSchema } from './profile-schemas.ts';

/** Handles that would collide with paths, system accounts or impersonation. */
const RESERVED_HANDLES = new Set(
  `about abuse account accounts activity actor actors admin administrator api app apps assets auth blog bookmarks
  chat chats collection collections commonroom contact digest directory docs explore feed feeds follow followers
  following group groups healthz help home inbox insights invite join library lists local login logout mail media
  me moderator mod new nodeinfo notifications null oauth outbox passions people postmaster privacy profile
  public relay reset root search security settings share signin signout signup sources static stream support
  system tags terms timeline undefined user users webfinger webmaster well-known www`.split(/\s+/),
);

export const HANDLE_MAX = 30;

export const handleSchema = z
  .string({ error: 'Enter a handle.' })
  .trim()
  .transform((v) => v.replace(/^@/, ''))
  .pipe(
    z
      .string()
      .min(2, 'A handle needs at least 2 characters.')
      .max(HANDLE_MAX, `A handle can have at most ${HANDLE_MAX} characters.`)
      .regex(/^[A-Za-z0-9_]+$/, 'Use only letters, digits and underscores (no spaces).')
      .refine((v) => !/^_|_$/.test(v), 'A handle cannot start or end with an underscore.')
      .refine((v) => !RESERVED_HANDLES.has(v.toLowerCase()), 'That handle is reserved; please choose another.'),
  );

export const emailSchema = z
  .string({ error: 'Enter an email address.' })
  .trim()
  .min(1, 'Enter an email address.')
  .max(254, 'That email address is too long.')
  .pipe(z.email('Enter a valid email address, like name@example.org.'));

export const PASSWORD_MIN = 10;
export const passwordSchema = z
  .string({ error: 'Enter a password.' })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(200, 'Use at most 200 characters.');

/** The sign-up form and what the command line's `user create` checks. */
export const signupSchema = z.strictObject({
  displayName: displayNameSchema,
  handle: handleSchema,
  email: emailSchema,
  password: passwordSchema,
  inviteCode: z.string().trim().max(100).optional(),
  timeZone: timeZoneSchema.optional(),
});
export type SignupInput = z.infer<typeof signupSchema>;
