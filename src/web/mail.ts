import { escapeHtml } from '../platform/sanitize.ts';

/** A simple mail: a greeting, paragraphs, one action (a link as a button) and a closing line. */
export interface MailContent {
  siteName: string;
  baseUrl: string;
  /** The first line ("Hello @ana,"). */
  greeting?: string;
  paragraphs: readonly string[];
  action?: { label: string; url: string };
  /** Paragraphs after the action (why she got this mail, what to do if it was not her). */
  after?: readonly string[];
}

/**
 * The HTML and plain-text parts of a mail, saying the same thing: the HTML is plain markup with
 * inline styles (mail clients ignore style sheets); the text shows each link in full on a line
 * of its own, so it can be copied.
 */
export function composeMail(content: MailContent): { html: string; text: string } {
  const paragraphs = [...(content.greeting ? [content.greeting] : []), ...content.paragraphs];
  const after = content.after ?? [];
  const footer = `${content.siteName} · ${content.baseUrl}`;
  const text = [
    ...paragraphs,
    ...(content.action ? [`${content.action.label}:\n${content.action.url}`] : []),
    ...after,
    `-- \n${footer}`,
  ].join('\n\n');
  const p = (line: string) => `<p style="margin:0 0 16px">${escapeHtml(line)}</p>`;
  const action = content.action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(content.action.url)}" style="background:#1d4ed8;color:#ffffff;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">${escapeHtml(content.action.label)}</a></p>` +
      `<p style="margin:0 0 16px;font-size:13px;color:#555555">Or copy this address into your browser: <a href="${escapeHtml(content.action.url)}">${escapeHtml(content.action.url)}</a></p>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(content.siteName)}</title></head>
<body style="margin:0;padding:24px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:16px;line-height:1.5;color:#111111;background:#ffffff">
<div style="max-width:560px;margin:0 auto">
${paragraphs.map(p).join('\n')}
${action}
${after.map(p).join('\n')}
<p style="margin:32px 0 0;font-size:13px;color:#555555"><a href="${escapeHtml(content.baseUrl)}/" style="color:#555555">${escapeHtml(content.siteName)}</a></p>
</div>
</body></html>
`;
  return { html, text };
}
