import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { currentOpenApiJson } from '../../scripts/openapi.ts';

test('docs/openapi.json matches the API (run `npm run docs:api` after changing routes)', async () => {
  const committed = readFileSync('docs/openapi.json', 'utf8');
  assert.equal(committed, await currentOpenApiJson());
});
