/**
 * A small, safe evaluator for the Python expressions in the Universal Feed Parser test cases
 * (`Expect: not bozo and feed['title'] == 'Example feed'`). It is a tokenizer and a
 * recursive-descent parser for the subset the corpus uses — `and`/`or`/`not`, comparisons
 * (chained, `in`, `not in`, `is`, `is not`), `+`/`-`/`*`, subscripts, attributes, calls,
 * string/number/tuple/list/dict literals, `True`/`False`/`None`, `len()`, `.get()`,
 * `.has_key()` and `.keys()`. Nothing is ever handed to `eval`: names resolve only in the
 * environment given, and only those few functions and methods exist.
 *
 * Values the environment cannot provide are `Skip` markers (our model has no counterpart);
 * they flow through every operation, so a case ends as true, false or skipped.
 */

export class Skip {
  constructor(readonly kind: string) {}
}

/** Python's KeyError/IndexError/TypeError…: the case fails, as it would in feedparser's suite. */
export class PyError extends Error {}

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export type Truth = boolean | Skip;

/** A value with its own Python behaviour (views of our document, values compared loosely). */
export abstract class PyObject {
  /** `self == other`. */
  eq(other: PyValue): Truth {
    return this === other;
  }
  truthy(): Truth {
    return true;
  }
  getItem(key: PyValue): PyValue {
    throw new PyError(`${this.repr()} is not subscriptable (key ${repr(key)})`);
  }
  getAttr(name: string): PyValue {
    throw new PyError(`${this.repr()} has no attribute ${name}`);
  }
  contains(key: PyValue): Truth {
    throw new PyError(`argument of type ${this.repr()} is not iterable (looking for ${repr(key)})`);
  }
  len(): number {
    throw new PyError(`${this.repr()} has no len()`);
  }
  abstract repr(): string;
}

/** A mapping: feedparser's FeedParserDict (subscripts and attribute access), or a dict literal. */
export abstract class PyMapping extends PyObject {
  /** The value under `key`, `MISSING` when there is none (a KeyError), or a Skip. */
  abstract lookup(key: string): PyValue | typeof MISSING;
  /** The keys that take part in `==` with a dict literal. */
  abstract keys(): string[];

  override getItem(key: PyValue): PyValue {
    if (key instanceof Skip) return key;
    if (typeof key !== 'string') throw new PyError(`KeyError: ${repr(key)}`);
    const value = this.lookup(key);
    if (value === MISSING) throw new PyError(`KeyError: ${repr(key)} in ${this.repr()}`);
    return value;
  }
  override getAttr(name: string): PyValue {
    if (name === 'get') return new BoundMethod((args) => {
      const key = args[0] ?? null;
      if (key instanceof Skip) return key;
      if (typeof key !== 'string') return args[1] ?? null;
      const value = this.lookup(key);
      return value === MISSING ? (args[1] ?? null) : value;
    });
    if (name === 'has_key') return new BoundMethod((args) => this.contains(args[0] ?? null));
    if (name === 'keys') return new BoundMethod(() => this.keys());
    const value = this.lookup(name);
    if (value === MISSING) throw new PyError(`AttributeError: ${name} in ${this.repr()}`);
    return value;
  }
  override contains(key: PyValue): Truth {
    if (key instanceof Skip) return key;
    if (typeof key !== 'string') return false;
    const value = this.lookup(key);
    if (value instanceof Skip) return value;
    return value !== MISSING;
  }
  override len(): number {
    return this.keys().length;
  }
  override truthy(): Truth {
    return this.keys().length > 0;
  }
  override eq(other: PyValue): Truth {
    if (!(other instanceof PyMapping)) return false;
    const mine = this.keys().sort();
    const theirs = other.keys().sort();
    if (mine.join('\u0000') !== theirs.join('\u0000')) return false;
    return all(mine.map((k) => pyEq(this.getItem(k), other.getItem(k))));
  }
}

export const MISSING: unique symbol = Symbol('missing');

export class DictLiteral extends PyMapping {
  constructor(readonly entries: Map<string, PyValue>) {
    super();
  }
  lookup(key: string): PyValue | typeof MISSING {
    return this.entries.has(key) ? this.entries.get(key)! : MISSING;
  }
  keys(): string[] {
    return [...this.entries.keys()];
  }
  repr(): string {
    return `{${[...this.entries].map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(', ')}}`;
  }
}

export class BoundMethod extends PyObject {
  constructor(readonly call: (args: PyValue[]) => PyValue) {
    super();
  }
  repr(): string {
    return '<method>';
  }
}

export type PyValue = string | number | boolean | null | PyTuple | PyValue[] | PyObject | Skip;

export function repr(value: PyValue | typeof MISSING): string {
  if (value === MISSING) return '<missing>';
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  if (value instanceof Skip) return `<skip: ${value.kind}>`;
  if (value instanceof PyTuple) return `(${value.items.map(repr).join(', ')}${value.items.length === 1 ? ',' : ''})`;
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  return value.repr();
}

/** Combines truths as `and` does over independent checks: any false is false, else any skip skips. */
export function all(truths: Truth[]): Truth {
  let skip: Skip | undefined;
  for (const t of truths) {
    if (t === false) return false;
    if (t instanceof Skip) skip ??= t;
  }
  return skip ?? true;
}

export function truthy(value: PyValue): Truth {
  if (value instanceof Skip) return value;
  if (value === null || value === false || value === 0 || value === '') return false;
  if (value instanceof PyTuple) return value.items.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof PyObject) return value.truthy();
  return true;
}

export function pyEq(a: PyValue, b: PyValue): Truth {
  if (a instanceof Skip) return a;
  if (b instanceof Skip) return b;
  if (a instanceof PyObject) {
    const r = a.eq(b);
    return r === false && b instanceof PyObject ? b.eq(a) : r;
  }
  if (b instanceof PyObject) return b.eq(a);
  if (a instanceof PyTuple || b instanceof PyTuple) {
    if (!(a instanceof PyTuple && b instanceof PyTuple) || a.items.length !== b.items.length) return false;
    return all(a.items.map((x, i) => pyEq(x, b.items[i]!)));
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return all(a.map((x, i) => pyEq(x, b[i]!)));
  }
  // Python: True == 1 and False == 0.
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b;
  if (typeof b === 'boolean' && typeof a === 'number') return Number(b) === a;
  return a === b;
}

function not(t: Truth): Truth {
  return t instanceof Skip ? t : !t;
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Token =
  | { kind: 'num'; value: number; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'op'; value: string; pos: number }
  | { kind: 'end'; value: ''; pos: number };

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'None', 'True', 'False']);
const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', '+', '-', '*'];

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    // Strings, with an optional u/r/b prefix.
    const prefixed = /^([uUrRbB]{0,2})(['"])/.exec(source.slice(i, i + 4));
    if (prefixed && (prefixed[1] === '' || /[A-Za-z]/.test(ch))) {
      const raw = /r/i.test(prefixed[1]!);
      const quote = prefixed[2]!;
      i += prefixed[0].length;
      let value = '';
      for (;;) {
        if (i >= source.length) throw new SyntaxError(`unterminated string at ${start}`);
        const c = source[i]!;
        if (c === quote) {
          i++;
          break;
        }
        if (c === '\\' && !raw) {
          const [text, length] = escape(source, i);
          value += text;
          i += length;
          continue;
        }
        value += c;
        i++;
      }
      tokens.push({ kind: 'str', value, pos: start });
      continue;
    }
    const number = /^(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'num', value: Number(number[0]), pos: start });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0], pos: start });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new SyntaxError(`unexpected ${JSON.stringify(ch)} at ${i}`);
    tokens.push({ kind: 'op', value: op, pos: start });
    i += op.length;
  }
  tokens.push({ kind: 'end', value: '', pos: source.length });
  return tokens;
}

/** One backslash escape at `source[i]`: its text and how many characters it took. */
function escape(source: string, i: number): [string, number] {
  const c = source[i + 1];
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
  if (c === undefined) throw new SyntaxError('dangling backslash');
  if (c === 'x') return [String.fromCharCode(parseInt(hex(source, i + 2, 2), 16)), 4];
  if (c === 'u') return [String.fromCharCode(parseInt(hex(source, i + 2, 4), 16)), 6];
  if (c === 'U') return [String.fromCodePoint(parseInt(hex(source, i + 2, 8), 16)), 10];
  if (c in simple) return [simple[c]!, 2];
  return [`\\${c}`, 2]; // Python keeps unknown escapes as they are
}

function hex(source: string, at: number, length: number): string {
  const digits = source.slice(at, at + length);
  if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) throw new SyntaxError(`bad escape at ${at}`);
  return digits;
}

// ---------------------------------------------------------------------------------------------
// Syntax tree

export type Node =
  | { type: 'lit'; value: PyValue }
  | { type: 'name'; name: string }
  | { type: 'tuple'; items: Node[] }
  | { type: 'list'; items: Node[] }
  | { type: 'dict'; entries: Array<[Node, Node]> }
  | { type: 'sub'; target: Node; index: Node }
  | { type: 'attr'; target: Node; name: string }
  | { type: 'call'; target: Node; args: Node[] }
  | { type: 'unary'; op: '-' | '+' | 'not'; operand: Node }
  | { type: 'bin'; op: '+' | '-' | '*'; left: Node; right: Node }
  | { type: 'bool'; op: 'and' | 'or'; operands: Node[] }
  | { type: 'cmp'; first: Node; rest: Array<[string, Node]> };

export function parse(source: string): Node {
  const tokens = tokenize(source);
  let at = 0;
  const peek = () => tokens[at]!;
  const next = () => tokens[at++]!;
  const isOp = (value: string) => peek().kind === 'op' && peek().value === value;
  const isWord = (value: string) => peek().kind === 'name' && peek().value === value;
  const expectOp = (value: string) => {
    if (!isOp(value)) throw new SyntaxError(`expected ${value} at ${peek().pos} in ${source}`);
    next();
  };

  const orTest = (): Node => {
    const operands = [andTest()];
    while (isWord('or')) {
      next();
      operands.push(andTest());
    }
    return operands.length === 1 ? operands[0]! : { type: 'bool', op: 'or', operands };
  };
  const andTest = (): Node => {
    const operands = [notTest()];
    while (isWord('and')) {
      next();
      operands.push(notTest());
    }
    return operands.length === 1 ? operands[0]! : { type: 'bool', op: 'and', operands };
  };
  const notTest = (): Node => {
    if (isWord('not')) {
      next();
      return { type: 'unary', op: 'not', operand: notTest() };
    }
    return comparison();
  };
  const compOp = (): string | null => {
    const t = peek();
    if (t.kind === 'op' && ['==', '!=', '<', '>', '<=', '>='].includes(t.value)) return (next(), t.value);
    if (t.kind === 'name' && t.value === 'in') return (next(), 'in');
    if (t.kind === 'name' && t.value === 'not' && tokens[at + 1]?.kind === 'name' && tokens[at + 1]?.value === 'in') return (next(), next(), 'not in');
    if (t.kind === 'name' && t.value === 'is') {
      next();
      if (isWord('not')) return (next(), 'is not');
      return 'is';
    }
    return null;
  };
  const comparison = (): Node => {
    const first = arith();
    const rest: Array<[string, Node]> = [];
    for (let op = compOp(); op; op = compOp()) rest.push([op, arith()]);
    return rest.length ? { type: 'cmp', first, rest } : first;
  };
  const arith = (): Node => {
    let left = term();
    while (isOp('+') || isOp('-')) {
      const op = next().value as '+' | '-';
      left = { type: 'bin', op, left, right: term() };
    }
    return left;
  };
  const term = (): Node => {
    let left = factor();
    while (isOp('*')) {
      next();
      left = { type: 'bin', op: '*', left, right: factor() };
    }
    return left;
  };
  const factor = (): Node => {
    if (isOp('-') || isOp('+')) {
      const op = next().value as '-' | '+';
      return { type: 'unary', op, operand: factor() };
    }
    return power();
  };
  const power = (): Node => {
    let node = atom();
    for (;;) {
      if (isOp('[')) {
        next();
        const index = orTest();
        expectOp(']');
        node = { type: 'sub', target: node, index };
      } else if (isOp('.')) {
        next();
        const name = next();
        if (name.kind !== 'name') throw new SyntaxError(`expected a name after . at ${name.pos}`);
        node = { type: 'attr', target: node, name: name.value };
      } else if (isOp('(')) {
        next();
        const args: Node[] = [];
        while (!isOp(')')) {
          args.push(orTest());
          if (!isOp(')')) expectOp(',');
        }
        next();
        node = { type: 'call', target: node, args };
      } else return node;
    }
  };
  const atom = (): Node => {
    const t = next();
    if (t.kind === 'num') return { type: 'lit', value: t.value };
    if (t.kind === 'str') {
      let value = t.value;
      while (peek().kind === 'str') value += next().value; // 'a' 'b' is 'ab'
      return { type: 'lit', value };
    }
    if (t.kind === 'name') {
      if (t.value === 'None') return { type: 'lit', value: null };
      if (t.value === 'True') return { type: 'lit', value: true };
      if (t.value === 'False') return { type: 'lit', value: false };
      if (KEYWORDS.has(t.value)) throw new SyntaxError(`unexpected ${t.value} at ${t.pos}`);
      return { type: 'name', name: t.value };
    }
    if (t.kind === 'op' && t.value === '(') {
      if (isOp(')')) return (next(), { type: 'tuple', items: [] });
      const first = orTest();
      if (isOp(')')) return (next(), first); // parentheses only
      const items = [first];
      while (isOp(',')) {
        next();
        if (isOp(')')) break;
        items.push(orTest());
      }
      expectOp(')');
      return { type: 'tuple', items };
    }
    if (t.kind === 'op' && t.value === '[') {
      const items: Node[] = [];
      while (!isOp(']')) {
        items.push(orTest());
        if (!isOp(']')) expectOp(',');
      }
      next();
      return { type: 'list', items };
    }
    if (t.kind === 'op' && t.value === '{') {
      const entries: Array<[Node, Node]> = [];
      while (!isOp('}')) {
        const key = orTest();
        expectOp(':');
        entries.push([key, orTest()]);
        if (!isOp('}')) expectOp(',');
      }
      next();
      return { type: 'dict', entries };
    }
    throw new SyntaxError(`unexpected ${t.kind === 'end' ? 'end' : JSON.stringify(t.value)} at ${t.pos} in ${source}`);
  };

  const tree = orTest();
  if (peek().kind !== 'end') throw new SyntaxError(`unexpected ${JSON.stringify(peek().value)} at ${peek().pos} in ${source}`);
  return tree;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

const BUILTINS: Record<string, PyValue> = {
  len: new BoundMethod((args) => {
    const v = args[0] ?? null;
    if (v instanceof Skip) return v;
    if (typeof v === 'string') return [...v].length;
    if (v instanceof PyTuple) return v.items.length;
    if (Array.isArray(v)) return v.length;
    if (v instanceof PyObject) return v.len();
    throw new PyError(`TypeError: len(${repr(v)})`);
  }),
};

export function evaluate(source: string | Node, env: Record<string, PyValue>): PyValue {
  const tree = typeof source === 'string' ? parse(source) : source;
  return run(tree, env);
}

function run(node: Node, env: Record<string, PyValue>): PyValue {
  switch (node.type) {
    case 'lit':
      return node.value;
    case 'name': {
      if (Object.hasOwn(env, node.name)) return env[node.name]!;
      if (Object.hasOwn(BUILTINS, node.name)) return BUILTINS[node.name]!;
      throw new PyError(`NameError: ${node.name}`);
    }
    case 'tuple':
      return new PyTuple(node.items.map((n) => run(n, env)));
    case 'list':
      return node.items.map((n) => run(n, env));
    case 'dict': {
      const map = new Map<string, PyValue>();
      for (const [k, v] of node.entries) {
        const key = run(k, env);
        if (typeof key !== 'string') throw new PyError('only string keys are supported in dict literals');
        map.set(key, run(v, env));
      }
      return new DictLiteral(map);
    }
    case 'sub':
      return subscript(run(node.target, env), run(node.index, env));
    case 'attr': {
      const target = run(node.target, env);
      if (target instanceof Skip) return target;
      if (target instanceof PyObject) return target.getAttr(node.name);
      throw new PyError(`AttributeError: ${repr(target)}.${node.name}`);
    }
    case 'call': {
      const target = run(node.target, env);
      const args = node.args.map((a) => run(a, env));
      if (target instanceof Skip) return target;
      if (target instanceof BoundMethod) return target.call(args);
      throw new PyError(`TypeError: ${repr(target)} is not callable`);
    }
    case 'unary': {
      const v = run(node.operand, env);
      if (node.op === 'not') return not(truthy(v));
      if (v instanceof Skip) return v;
      if (typeof v !== 'number') throw new PyError(`TypeError: bad operand for unary ${node.op}: ${repr(v)}`);
      return node.op === '-' ? -v : v;
    }
    case 'bin': {
      const left = run(node.left, env);
      const right = run(node.right, env);
      if (left instanceof Skip) return left;
      if (right instanceof Skip) return right;
      if (node.op === '+' && typeof left === 'string' && typeof right === 'string') return left + right;
      if (node.op === '+' && Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
      if (node.op === '*' && typeof left === 'string' && typeof right === 'number') return left.repeat(right);
      if (typeof left === 'number' && typeof right === 'number') return node.op === '+' ? left + right : node.op === '-' ? left - right : left * right;
      throw new PyError(`TypeError: ${repr(left)} ${node.op} ${repr(right)}`);
    }
    case 'bool': {
      // Python's short circuit, but a skipped operand does not stop a later one from failing.
      let skip: Skip | undefined;
      let last: PyValue = null;
      for (const operand of node.operands) {
        const value = run(operand, env);
        const t = truthy(value);
        if (t instanceof Skip) {
          skip ??= t;
          continue;
        }
        if (node.op === 'and' && !t) return value;
        if (node.op === 'or' && t) return value;
        last = value;
      }
      return skip ?? last;
    }
    case 'cmp': {
      let left = run(node.first, env);
      const truths: Truth[] = [];
      for (const [op, operand] of node.rest) {
        const right = run(operand, env);
        const t = compare(op, left, right);
        if (t === false) return false;
        truths.push(t);
        left = right;
      }
      return all(truths);
    }
  }
}

function subscript(target: PyValue, index: PyValue): PyValue {
  if (target instanceof Skip) return target;
  if (index instanceof Skip) return index;
  const sequence = target instanceof PyTuple ? target.items : Array.isArray(target) ? target : typeof target === 'string' ? [...target] : null;
  if (sequence) {
    if (typeof index !== 'number' || !Number.isInteger(index)) throw new PyError(`TypeError: indices must be integers, not ${repr(index)}`);
    const i = index < 0 ? sequence.length + index : index;
    if (i < 0 || i >= sequence.length) throw new PyError(`IndexError: ${index} in a sequence of ${sequence.length}`);
    return sequence[i]!;
  }
  if (target instanceof PyObject) return target.getItem(index);
  throw new PyError(`TypeError: ${repr(target)} is not subscriptable`);
}

function compare(op: string, left: PyValue, right: PyValue): Truth {
  switch (op) {
    case '==':
      return pyEq(left, right);
    case '!=':
      return not(pyEq(left, right));
    case 'is':
    case 'is not': {
      if (left instanceof Skip) return left;
      if (right instanceof Skip) return right;
      const same = left === right;
      return op === 'is' ? same : !same;
    }
    case 'in':
    case 'not in': {
      const t = contains(right, left);
      return op === 'in' ? t : not(t);
    }
    default: {
      if (left instanceof Skip) return left;
      if (right instanceof Skip) return right;
      if (!((typeof left === 'number' && typeof right === 'number') || (typeof left === 'string' && typeof right === 'string'))) {
        throw new PyError(`TypeError: ${repr(left)} ${op} ${repr(right)}`);
      }
      return op === '<' ? left < right : op === '>' ? left > right : op === '<=' ? left <= right : left >= right;
    }
  }
}

function contains(container: PyValue, item: PyValue): Truth {
  if (container instanceof Skip) return container;
  if (item instanceof Skip) return item;
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new PyError(`TypeError: 'in <string>' requires a string, not ${repr(item)}`);
    return container.includes(item);
  }
  const sequence = container instanceof PyTuple ? container.items : Array.isArray(container) ? container : null;
  if (sequence) {
    let skip: Skip | undefined;
    for (const x of sequence) {
      const t = pyEq(x, item);
      if (t === true) return true;
      if (t instanceof Skip) skip ??= t;
    }
    return skip ?? false;
  }
  if (container instanceof PyObject) return container.contains(item);
  throw new PyError(`TypeError: argument of type ${repr(container)} is not iterable`);
}
