import type { Person } from './feed-xml-shapes.ts';
import { value } from './xml-values.ts';

// ---- RSS people, as feedsmith reads them: a name, an e-mail address, a link, in any order ----

const EMAIL = /^[^\s@()<>[\]]+@[^\s@()<>[\]]+\.[^\s@()<>[\]]+$/;
const URL_LIKE = /^(?:https?:\/\/|www\.)[^\s]+\.[^\s]+$/;
const SEPARATORS = /^[\s,\-|/:;]+|[\s,\-|/:;]+$/g;

function stripMailto(text: string): string {
  const stripped = text.replace(/^mailto:/i, '');
  return stripped !== text ? stripped.replace(/\?.*$/, '') : stripped;
}

function compactPerson(person: Person): Person | undefined {
  return person.name === undefined && person.email === undefined && person.link === undefined ? undefined : person;
}

/** Longer than this, a person is a name as it stands (bracket matching is quadratic on hostile input). */
const MAX_PERSON_LENGTH = 1024;

export function parsePerson(raw: string): Person | undefined {
  if (raw.length > MAX_PERSON_LENGTH) return { name: raw };
  const simple = stripMailto(raw);
  if (URL_LIKE.test(simple)) return { link: simple };
  if (EMAIL.test(simple)) return { email: simple };
  if (!/[<[(]/.test(raw)) return unbracketedPerson(raw);
  return bracketedPerson(raw);
}

function unbracketedPerson(raw: string): Person | undefined {
  if (!raw.includes('@') && !raw.includes('://') && !raw.includes('www.')) return { name: raw };
  const nameParts: string[] = [];
  let email: string | undefined;
  let link: string | undefined;
  for (const word of raw.split(/\s+/)) {
    const stripped = stripMailto(word);
    if (URL_LIKE.test(word) && !link) link = word;
    else if (EMAIL.test(stripped) && !email) email = stripped;
    else nameParts.push(word);
  }
  if (!email && !link) return { name: raw };
  return compactPerson({ name: value(nameParts.join(' ').replace(SEPARATORS, '')), email, link });
}

function bracketedPerson(raw: string): Person | undefined {
  const person: Person = {};
  const nameParts: string[] = [];
  let unbracketedName = false;
  const isOpen = (ch: string | undefined) => ch === '<' || ch === '(' || ch === '[';
  let i = 0;
  while (i < raw.length) {
    let chunk: string | undefined;
    let bracketed = false;
    let open = '';
    let close = '';
    const ch = raw[i];
    if (isOpen(ch)) {
      open = ch!;
      close = open === '<' ? '>' : open === '(' ? ')' : ']';
      const start = i + 1;
      let depth = 1;
      let end = start;
      while (end < raw.length && depth > 0) {
        if (raw[end] === open) depth++;
        else if (raw[end] === close) depth--;
        end++;
      }
      if (depth === 0) {
        bracketed = true;
        chunk = value(raw.slice(start, end - 1));
        i = end;
      } else {
        const literalStart = i;
        i = start;
        while (i < raw.length && !isOpen(raw[i])) i++;
        chunk = value(raw.slice(literalStart, i));
      }
    } else {
      const start = i;
      while (i < raw.length && !isOpen(raw[i])) i++;
      chunk = value(raw.slice(start, i));
    }
    if (!chunk) continue;
    const stripped = stripMailto(chunk);
    if (URL_LIKE.test(chunk) && !person.link) person.link = chunk;
    else if (EMAIL.test(stripped) && !person.email) person.email = stripped;
    else if (bracketed) nameParts.push(unbracketedName ? `${open}${chunk}${close}` : chunk);
    else {
      unbracketedName = true;
      nameParts.push(chunk);
    }
  }
  person.name = value(nameParts.join(' '));
  return compactPerson(person);
}
