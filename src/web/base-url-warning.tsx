import type { AppContext } from './context.ts';

/**
 * Shown to administrators while BASE_URL is not set: links that leave the server (invitations,
 * article images, other servers) would say http://localhost:PORT.
 */
export function BaseUrlWarning({ c }: { c: AppContext }) {
  const { config } = c.var.kernel;
  if (config.baseUrlSet || !c.var.viewer?.isAdmin) return null;
  return (
    <p class="warning-banner" role="note">
      <strong>The public address is not set.</strong> Invitation links and article images say {config.baseUrl}, which works only on this
      machine. Set <code>BASE_URL</code> to the address people use (for example https://pln.example.org) and restart.
    </p>
  );
}
