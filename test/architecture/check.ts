/** Prints what breaks the structure rules (see structure.ts): `node --import tsx test/architecture/check.ts [folder]`. */
import { ownershipOf } from './ownership.ts';
import { problems, sourceFiles } from './structure.ts';

const only = process.argv[2]?.replace(/^src\//, '').replace(/\/$/, '');
const list = problems(sourceFiles(), await ownershipOf());
const shown = only ? list.filter((p) => p.where.startsWith(`${only}/`) || p.where === only) : list;
for (const p of shown) console.log(`${p.rule}\t${p.where}\t${p.detail}`);
console.log(`${shown.length} problem${shown.length === 1 ? '' : 's'}${only ? ` in ${only}` : ''}`);
process.exitCode = shown.length ? 1 : 0;
