/** `npm run docs:api`: writes docs/openapi.json from the routes' schemas (a test checks it is current). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApiDocument } from '../src/api/openapi.ts';
import { createApp } from '../src/app/http.tsx';
import { VERSION } from '../src/app/kernel.ts';
import { createServices } from '../src/app/services.ts';
import { loadConfig } from '../src/platform/config.ts';

export const DOCS_BASE_URL = 'https://commonroom.example';

export async function currentOpenApiJson(): Promise<string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-openapi-'));
  const services = await createServices(
    loadConfig({ file: null, env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', BASE_URL: DOCS_BASE_URL } }),
  );
  try {
    return `${JSON.stringify(openApiDocument(createApp(services), VERSION, DOCS_BASE_URL), null, 2)}\n`;
  } finally {
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  writeFileSync(join(import.meta.dirname, '..', 'docs', 'openapi.json'), await currentOpenApiJson());
  console.log('wrote docs/openapi.json');
}
