import type { MiddlewareHandler } from 'hono';
import type { Config } from '../platform/config.ts';
import type { Viewer } from '../platform/viewer.ts';
import type { AsideCard, Capability, JobSpec, Kernel, NavEntry } from '../web/capability.ts';
import type { AppEnv } from '../web/context.ts';
import { CAPABILITIES, type CapabilityServices } from './capabilities.ts';
import { closeKernel, type KernelOptions, kernelJobs, openKernel } from './kernel.ts';

/**
 * The running application: the kernel, and every capability's service built once, in the order
 * of capabilities.ts. The kernel's parts and the services are also reachable by name at the
 * top level (`app.database`, `app.social`), as the tests and the command line use them.
 */
export type Services = Kernel &
  CapabilityServices & {
    kernel: Kernel;
    services: CapabilityServices;
    /** Each capability with its service, in the order of capabilities.ts. */
    built: ReadonlyArray<{ capability: AnyCapability; service: unknown }>;
    /** The main navigation, from every capability. */
    nav: readonly NavEntry[];
    /** The cards of the context column, from every capability, in order. */
    asides: readonly AsideCard[];
    /** Middleware for requests from other servers, before sessions and CSRF. */
    protocol: MiddlewareHandler<AppEnv>[];
    /** Every job kind, as the capabilities declare them (registered with the runner). */
    jobSpecs: JobSpec[];
    /** Schedules the recurring jobs (processes that run jobs call it). */
    schedule(): Promise<void>;
    close(): Promise<void>;
  };

type AnyCapability = Capability<unknown, Record<string, unknown>>;

/** Opens the kernel (database, migrations …), then builds every capability in order. */
export async function createServices(config: Config, options: KernelOptions = {}): Promise<Services> {
  const kernel = await openKernel(config, options);
  const built: Record<string, unknown> = {};
  const capabilities = CAPABILITIES as unknown as ReadonlyArray<AnyCapability>;
  try {
    for (const capability of capabilities) {
      const missing = capability.needs.find((name) => !(name in built));
      if (missing) throw new Error(`${capability.name} needs ${missing}, which must come before it in src/app/capabilities.ts`);
      const needs = Object.fromEntries(capability.needs.map((name) => [name, built[name]]));
      built[capability.name] = await capability.build(kernel, needs);
    }
  } catch (error) {
    await closeKernel(kernel);
    throw error;
  }
  const services = built as CapabilityServices;
  const of = (capability: AnyCapability) => built[capability.name];

  const jobSpecs = [...kernelJobs(kernel), ...capabilities.flatMap((c) => c.jobs?.(of(c)) ?? [])];
  for (const spec of jobSpecs) kernel.jobs.register(spec.kind, spec.run, spec.options);
  const navOf = (c: AnyCapability) => (typeof c.nav === 'function' ? c.nav(of(c)) : (c.nav ?? []));
  const nav = capabilities.flatMap(navOf).sort((a, b) => a.order - b.order);
  const asides = capabilities.flatMap((c) => c.asides?.(of(c)) ?? []).sort((a, b) => a.order - b.order);
  const protocol = capabilities.flatMap((c) => (c.protocol ? [c.protocol(of(c))] : []));

  return {
    ...kernel,
    ...services,
    kernel,
    services,
    built: capabilities.map((capability) => ({ capability, service: of(capability) })),
    nav,
    asides,
    protocol,
    jobSpecs,
    async schedule() {
      for (const spec of jobSpecs) {
        if (spec.every)
          await kernel.jobs.schedule(spec.kind, spec.kind, null, spec.every, spec.startAtOnce ? kernel.clock.now() : undefined);
      }
    },
    async close() {
      for (const capability of [...capabilities].reverse()) await capability.close?.(of(capability));
      await closeKernel(kernel);
    },
  };
}

/** A member by handle, as if signed in: for commands that act for a member. */
export async function viewerByHandle(services: Services, handle: string): Promise<Viewer> {
  const member = await services.accounts.memberByHandle(handle.replace(/^@/, ''));
  return {
    memberId: member.id,
    actorId: member.actor.id,
    handle: member.actor.handle,
    displayName: member.actor.display_name,
    avatarUrl: member.actor.avatar_url,
    isAdmin: member.is_admin === 1,
    timeZone: member.time_zone,
  };
}
