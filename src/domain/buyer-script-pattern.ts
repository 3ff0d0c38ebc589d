/**
 * The scripted buyer's `match`: a small regular-expression language matched in linear time, so
 * that no pattern, however written, can stall a transaction (JavaScript's own RegExp backtracks:
 * `(a+)+$` on a long message takes exponential time). Patterns compile to a Thompson NFA that is
 * simulated over the text (Pike's method): time is O(text length x pattern size), both bounded.
 *
 * Supported: literals, `.`, classes `[a-z]` `[^...]`, escapes `\d \w \s \D \W \S \b \B \n \r \t`
 * and escaped punctuation, groups `(...)` `(?:...)`, alternation `|`, quantifiers `* + ? {n}
 * {n,} {n,m}` (lazy forms too; counts up to 100), anchors `^ $`, and a leading `(?i)` for
 * case-insensitive matching. Refused (a clear error): backreferences, lookaround, named groups,
 * other inline flags. The pattern matches anywhere in the text unless anchored.
 */
export const MAX_PATTERN_LENGTH = 200;
const MAX_COUNT = 100;
const MAX_PROGRAM = 5000;

export class PatternError extends Error {}

type Pred = (c: string) => boolean;
type Node =
  | { t: 'char'; pred: Pred }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'repeat'; node: Node; min: number; max: number | null }
  | { t: 'assert'; kind: '^' | '$' | 'b' | 'B' };

const isWord = (c: string | undefined) => c !== undefined && /^[A-Za-z0-9_]$/.test(c);
const isDigit: Pred = (c) => c >= '0' && c <= '9';
const isSpace: Pred = (c) => /^\s$/u.test(c);
const CLASS_ESCAPES: Record<string, Pred> = {
  d: isDigit, D: (c) => !isDigit(c), w: (c) => isWord(c), W: (c) => !isWord(c), s: isSpace, S: (c) => !isSpace(c),
};
const CONTROL_ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', f: '\f', v: '\v', '0': '\0' };

class Parser {
  private i = 0;
  constructor(private readonly chars: string[], private readonly fold: boolean) {}

  parse(): Node {
    const node = this.alternation();
    if (this.i < this.chars.length) throw new PatternError(`unmatched ")" at position ${this.i + 1}`);
    return node;
  }

  private peek(): string | undefined {
    return this.chars[this.i];
  }

  private alternation(): Node {
    const options = [this.sequence()];
    while (this.peek() === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private sequence(): Node {
    const items: Node[] = [];
    while (this.i < this.chars.length && this.peek() !== '|' && this.peek() !== ')') items.push(this.quantified());
    return { t: 'seq', items };
  }

  private quantified(): Node {
    let node = this.atom();
    for (;;) {
      const c = this.peek();
      let min: number;
      let max: number | null;
      if (c === '*') [min, max] = [0, null];
      else if (c === '+') [min, max] = [1, null];
      else if (c === '?') [min, max] = [0, 1];
      else if (c === '{' && this.countAhead()) [min, max] = this.count();
      else return node;
      if (c !== '{') this.i++;
      if (node.t === 'assert') throw new PatternError('nothing to repeat before a quantifier');
      if (this.peek() === '?') this.i++; // lazy: the same set of matches
      node = { t: 'repeat', node, min, max };
    }
  }

  /** Whether `{` starts a count (`{2}`, `{2,}`, `{2,5}`); otherwise it is a literal brace. */
  private countAhead(): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.chars.slice(this.i, this.i + 12).join(''));
  }

  private count(): [number, number | null] {
    const text = /^\{(\d+)(,(\d*))?\}/.exec(this.chars.slice(this.i, this.i + 12).join(''))!;
    this.i += text[0].length;
    const min = Number(text[1]);
    const max = text[2] === undefined ? min : text[3] === '' ? null : Number(text[3]);
    if (min > MAX_COUNT || (max !== null && max > MAX_COUNT)) throw new PatternError(`counts above ${MAX_COUNT} are not supported`);
    if (max !== null && max < min) throw new PatternError('a count\'s maximum is below its minimum');
    return [min, max];
  }

  private literal(c: string): Node {
    if (!this.fold) return { t: 'char', pred: (x) => x === c };
    const lower = c.toLowerCase();
    return { t: 'char', pred: (x) => x.toLowerCase() === lower };
  }

  private atom(): Node {
    const c = this.chars[this.i++]!;
    switch (c) {
      case '(': {
        if (this.peek() === '?') {
          if (this.chars[this.i + 1] !== ':') throw new PatternError('lookaround, named groups and inline flags are not supported (only (?:...) and a leading (?i))');
          this.i += 2;
        }
        const inner = this.alternation();
        if (this.chars[this.i++] !== ')') throw new PatternError('missing ")"');
        return inner;
      }
      case '[':
        return this.charClass();
      case '.':
        return { t: 'char', pred: (x) => x !== '\n' };
      case '^':
      case '$':
        return { t: 'assert', kind: c };
      case '\\':
        return this.escape(false) as Node;
      case '*':
      case '+':
      case '?':
        throw new PatternError(`nothing to repeat before "${c}"`);
      default:
        return this.literal(c);
    }
  }

  /** An escape after `\`: a node, or (inside a class) a predicate or a single character. */
  private escape(inClass: boolean): Node | Pred | string {
    const c = this.chars[this.i++];
    if (c === undefined) throw new PatternError('the pattern ends with "\\"');
    if (CLASS_ESCAPES[c]) return inClass ? CLASS_ESCAPES[c] : { t: 'char', pred: CLASS_ESCAPES[c] };
    if (!inClass && (c === 'b' || c === 'B')) return { t: 'assert', kind: c };
    if (CONTROL_ESCAPES[c] !== undefined) return inClass ? CONTROL_ESCAPES[c] : this.literal(CONTROL_ESCAPES[c]);
    if (/^[1-9]$/.test(c)) throw new PatternError('backreferences are not supported');
    if (/^[A-Za-z0-9]$/.test(c)) throw new PatternError(`unknown escape "\\${c}"`);
    return inClass ? c : this.literal(c);
  }

  private charClass(): Node {
    const negate = this.peek() === '^';
    if (negate) this.i++;
    const preds: Pred[] = [];
    let first = true;
    while (this.peek() !== ']' || first) {
      first = false;
      let c: string | Pred | Node | undefined = this.chars[this.i++];
      if (c === undefined) throw new PatternError('missing "]"');
      if (c === '\\') c = this.escape(true);
      if (typeof c === 'function') {
        preds.push(c);
        continue;
      }
      const from = c as string;
      if (this.peek() === '-' && this.chars[this.i + 1] !== undefined && this.chars[this.i + 1] !== ']') {
        this.i++;
        let to: string | Pred | Node = this.chars[this.i++]!;
        if (to === '\\') to = this.escape(true);
        if (typeof to !== 'string') throw new PatternError('a class range must end with a character');
        if (to.codePointAt(0)! < from.codePointAt(0)!) throw new PatternError(`the class range ${from}-${to} is out of order`);
        const [lo, hi] = [from.codePointAt(0)!, to.codePointAt(0)!];
        const inRange = (x: string) => x.codePointAt(0)! >= lo && x.codePointAt(0)! <= hi;
        preds.push(this.fold ? (x) => inRange(x) || inRange(x.toLowerCase()) || inRange(x.toUpperCase()) : inRange);
      } else {
        preds.push(this.fold ? ((l) => (x: string) => x.toLowerCase() === l)(from.toLowerCase()) : (x) => x === from);
      }
    }
    this.i++;
    return { t: 'char', pred: (x) => preds.some((p) => p(x)) !== negate };
  }
}

type Inst =
  | { op: 'char'; pred: Pred; next: number }
  | { op: 'split'; a: number; b: number }
  | { op: 'jmp'; to: number }
  | { op: 'assert'; kind: '^' | '$' | 'b' | 'B'; next: number }
  | { op: 'match' };

/** Compiles to a program whose instruction 0 starts the pattern; jump targets are filled in as emitted. */
class Compiler {
  readonly prog: Inst[] = [];

  private emit(inst: Inst): number {
    if (this.prog.length >= MAX_PROGRAM) throw new PatternError('the pattern is too complex (its counts expand too far)');
    this.prog.push(inst);
    return this.prog.length - 1;
  }

  compile(node: Node): void {
    switch (node.t) {
      case 'char': {
        const at = this.emit({ op: 'char', pred: node.pred, next: -1 });
        (this.prog[at] as { next: number }).next = at + 1;
        return;
      }
      case 'assert': {
        const at = this.emit({ op: 'assert', kind: node.kind, next: -1 });
        (this.prog[at] as { next: number }).next = at + 1;
        return;
      }
      case 'seq':
        for (const item of node.items) this.compile(item);
        return;
      case 'alt': {
        const jumps: number[] = [];
        for (let k = 0; k < node.options.length - 1; k++) {
          const split = this.emit({ op: 'split', a: -1, b: -1 });
          (this.prog[split] as { a: number }).a = split + 1;
          this.compile(node.options[k]!);
          jumps.push(this.emit({ op: 'jmp', to: -1 }));
          (this.prog[split] as { b: number }).b = this.prog.length;
        }
        this.compile(node.options[node.options.length - 1]!);
        for (const j of jumps) (this.prog[j] as { to: number }).to = this.prog.length;
        return;
      }
      case 'repeat': {
        for (let k = 0; k < node.min; k++) this.compile(node.node);
        if (node.max === null) {
          const split = this.emit({ op: 'split', a: -1, b: -1 });
          (this.prog[split] as { a: number }).a = split + 1;
          this.compile(node.node);
          this.emit({ op: 'jmp', to: split });
          (this.prog[split] as { b: number }).b = this.prog.length;
          return;
        }
        const exits: number[] = [];
        for (let k = node.min; k < node.max; k++) {
          const split = this.emit({ op: 'split', a: -1, b: -1 });
          (this.prog[split] as { a: number }).a = split + 1;
          exits.push(split);
          this.compile(node.node);
        }
        for (const s of exits) (this.prog[s] as { b: number }).b = this.prog.length;
        return;
      }
    }
  }
}

export interface Pattern {
  /** Whether the pattern matches anywhere in `text`. */
  test(text: string): boolean;
}

/** Compiles `source` (at most MAX_PATTERN_LENGTH characters); throws PatternError saying what is wrong. */
export function compilePattern(source: string): Pattern {
  if ([...source].length > MAX_PATTERN_LENGTH) throw new PatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const fold = source.startsWith('(?i)');
  const chars = [...(fold ? source.slice(4) : source)];
  const compiler = new Compiler();
  compiler.compile(new Parser(chars, fold).parse());
  compiler.prog.push({ op: 'match' });
  const prog = compiler.prog;
  return { test: (text) => run(prog, [...text]) };
}

/** Pike-VM simulation: every thread advances in lockstep, one text position at a time. */
function run(prog: Inst[], text: string[]): boolean {
  let current: number[] = [];
  const seen = new Int32Array(prog.length).fill(-1);
  let generation = 0;
  const add = (list: number[], pc: number, at: number): boolean => {
    // Iterative closure over jumps, splits and assertions; true when a match is reachable.
    const stack = [pc];
    while (stack.length > 0) {
      const p = stack.pop()!;
      if (seen[p] === generation) continue;
      seen[p] = generation;
      const inst = prog[p]!;
      switch (inst.op) {
        case 'match':
          return true;
        case 'jmp':
          stack.push(inst.to);
          break;
        case 'split':
          stack.push(inst.b, inst.a);
          break;
        case 'assert': {
          const before = text[at - 1];
          const after = text[at];
          const ok = inst.kind === '^' ? at === 0
            : inst.kind === '$' ? at === text.length
              : (isWord(before) !== isWord(after)) === (inst.kind === 'b');
          if (ok) stack.push(inst.next);
          break;
        }
        case 'char':
          list.push(p);
          break;
      }
    }
    return false;
  };
  for (let at = 0; at <= text.length; at++) {
    generation++;
    const next: number[] = [];
    // Threads that consumed the previous character move on; a new one starts here (unanchored search).
    for (const pc of current) if (add(next, pc, at)) return true;
    if (add(next, 0, at)) return true;
    if (at === text.length) break;
    const c = text[at]!;
    current = [];
    for (const pc of next) {
      const inst = prog[pc] as { op: 'char'; pred: Pred; next: number };
      if (inst.pred(c)) current.push(inst.next);
    }
  }
  return false;
}
