import { parseArgs } from 'node:util';
import { CliError, printTable, readStdin, usage } from '../platform/cli.ts';
import { randomToken } from '../platform/crypto.ts';
import { parseInput, UserError } from '../platform/errors.ts';
import type { AccountsService } from './service.ts';
import { signupSchema } from './signup-schemas.ts';

export const USER_HELP = `
  commonroom user create <handle> --email <email> [--name <name>] [--admin] [--password-stdin]
      Creates a member. Without --password-stdin, prints a link where they choose a password.
  commonroom user list [--suspended] [--json]
  commonroom user suspend <handle> [--reason <text>]
  commonroom user unsuspend <handle>
  commonroom user reset-password <handle>
      Prints a one-time link (valid 24 hours) where the member sets a new password.`;

/** `commonroom user …` */
export async function userCommand(accounts: AccountsService, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'create': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { email: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' }, 'password-stdin': { type: 'boolean' } },
      });
      const handle = positionals[0];
      if (!handle || !values.email) throw usage('user create needs a handle and --email');
      const password = values['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : randomToken(24);
      const member = await explain(() => {
        const input = parseInput(signupSchema, {
          handle,
          email: values.email,
          displayName: values.name ?? handle.replace(/^@/, ''),
          password,
        });
        return accounts.createMember({ ...input, admin: values.admin ?? false });
      });
      console.log(`Created @${member.actor.handle}${member.is_admin ? ' (administrator)' : ''}.`);
      if (!values['password-stdin']) {
        const reset = await accounts.createPasswordReset(member.id);
        console.log(`They choose a password at: ${reset.url}`);
      }
      return;
    }
    case 'list': {
      const { values } = parseArgs({ args: rest, options: { suspended: { type: 'boolean' }, json: { type: 'boolean' } } });
      const all = [];
      let cursor: string | undefined;
      do {
        const page = await accounts.listMembers({ cursor, status: values.suspended ? 'suspended' : undefined });
        all.push(...page.members);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (values.json) {
        console.log(JSON.stringify(all, null, 2));
        return;
      }
      printTable(
        all.map((m) => ({
          handle: `@${m.handle}`,
          name: m.displayName,
          email: m.email,
          admin: m.isAdmin ? 'yes' : '',
          status: m.suspendedAt ? 'suspended' : 'active',
          joined: new Date(m.createdAt).toISOString().slice(0, 10),
        })),
      );
      if (all.length === 0) console.log('No members yet.');
      return;
    }
    case 'suspend': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { reason: { type: 'string' } } });
      if (!positionals[0]) throw usage('user suspend needs a handle');
      await explain(() => accounts.suspend(positionals[0]!, values.reason ?? null, null));
      console.log(`Suspended @${positionals[0]!.replace(/^@/, '')}; their sessions were ended.`);
      return;
    }
    case 'unsuspend': {
      if (!rest[0]) throw usage('user unsuspend needs a handle');
      await explain(() => accounts.unsuspend(rest[0]!, null));
      console.log(`@${rest[0].replace(/^@/, '')} can sign in again.`);
      return;
    }
    case 'reset-password': {
      if (!rest[0]) throw usage('user reset-password needs a handle');
      const member = await explain(() => accounts.memberByHandle(rest[0]!));
      const reset = await accounts.createPasswordReset(member.id);
      console.log(`Send this link to @${member.actor.handle}; it works once, for 24 hours:\n${reset.url}`);
      return;
    }
    default:
      throw usage(sub ? `unknown user command "${sub}"` : 'user needs a command');
  }
}

/** Turns a UserError into one readable CLI line. */
async function explain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UserError) {
      const detail = error.issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join('; ');
      throw new CliError(detail || error.message);
    }
    throw error;
  }
}
