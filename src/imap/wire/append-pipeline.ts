import type { ImapFlow } from 'imapflow';
import { literalPlusCommand } from './command-bytes.ts';
import { execCommand, type Token } from './exec.ts';
import { usesInternals } from './internals.ts';

// Without MULTIAPPEND (Office 365, Courier) a message is one APPEND, and waiting for each answer
// before sending the next costs a round trip per message: 18.9 s for 1,011 messages over 40 ms,
// against 3.4 s with MULTIAPPEND. With LITERAL+ (or LITERAL- for small messages) nothing in an
// APPEND waits for the server, so the APPENDs go back to back, a window of them awaiting answers,
// and each tagged answer is matched to its message by its tag.
//
// imapflow keeps one command on the wire at a time. The pipeline therefore rides on one imapflow
// request, a NOOP: its send() is taken here to write the APPENDs (tags of their own, "M<n>.<i>",
// never a tag of imapflow's, which are hexadecimal), more of them as answers come, and the NOOP
// last, under imapflow's tag, so that imapflow's queue resumes once every APPEND is answered.
// The APPENDs' answers are taken out of imapflow's handleResponse() before it sees them. Members
// used: send, write, commandParts, writeSocket, currentRequest, handleResponse, state, states;
// checked in internals.ts, and where they are not there the caller sends one by one.

/** APPENDs awaiting their answers at once: enough to cover a 40 ms round trip many times over, few enough that a refusal leaves little in doubt. */
export const PIPELINE_WINDOW = { commands: 32, bytes: 4 * 1024 * 1024 };

/** One APPEND's tagged answer, as the server wrote it. */
export interface TaggedAnswer {
  status: 'OK' | 'NO' | 'BAD';
  /** The response code's atom (APPENDUID, TRYCREATE, LIMIT…), upper-cased, or null. */
  code: string | null;
  args: string[];
  /** The line after the status, response code included: the server's own words. */
  text: string;
}

/** Per message, in order: its answer, or undefined when none came (not sent: index ≥ sent; or sent and unanswered). */
export interface PipelineRun {
  answers: Array<TaggedAnswer | undefined>;
  /** How many of the messages went on the wire (the first `sent`). */
  sent: number;
}

interface Sending {
  tag: string;
  command: string;
  attributes: Token[] | false;
  options?: { appendPipeline?: Pipeline };
}

interface PipelineFlow {
  send(data: Sending): Promise<void>;
  write(chunk: Buffer | string): void;
  handleResponse(data: { payload: Buffer; literals?: Buffer[] }): Promise<boolean>;
  writeSocket: { cork(): void; uncork(): void } | false | null;
  commandParts: Buffer[];
  rawSensitiveCommand: boolean;
  currentRequest: false | { tag: string; sent?: boolean };
  state: unknown;
  states: { LOGOUT: unknown };
  close(): void;
}

const active = new WeakMap<ImapFlow, Pipeline>();
const installed = new WeakSet<ImapFlow>();
let pipelines = 0;

/** Whether this client's internals are the ones the pipeline relies on (internals.ts). */
export function canPipeline(flow: ImapFlow): boolean {
  return usesInternals(flow);
}

/**
 * Sends one APPEND per message (each `attributes[i]` the arguments after the folder), at most
 * PIPELINE_WINDOW unanswered at once, every literal non-synchronizing. A NO leaves the rest going;
 * NO `stopOn` codes (the folder's own refusals) send nothing more; a BAD sends nothing more and
 * closes the connection, as the server may have read message text as commands. Rejects only when
 * the connection goes; then `partial` (on the error) holds what was answered.
 */
export async function appendPipelined(
  flow: ImapFlow,
  folder: Token,
  messages: ReadonlyArray<{ attributes: Token[]; bytes: number }>,
  stopOn: ReadonlySet<string>,
): Promise<PipelineRun> {
  install(flow);
  const pipeline = new Pipeline(flow as unknown as PipelineFlow, folder, messages, stopOn, `M${++pipelines}.`);
  active.set(flow, pipeline);
  try {
    await execCommand(flow, 'NOOP', false, { appendPipeline: pipeline } as object);
  } catch (error) {
    if (pipeline.closedAfterBad) return pipeline.run();
    throw Object.assign(error as object, { partial: pipeline.run() });
  } finally {
    active.delete(flow);
  }
  return pipeline.run();
}

function install(flow: ImapFlow): void {
  if (installed.has(flow)) return;
  installed.add(flow);
  const internal = flow as unknown as PipelineFlow;
  const send = internal.send;
  internal.send = async function (this: PipelineFlow, data: Sending): Promise<void> {
    const pipeline = data.options?.appendPipeline;
    if (!pipeline || this.state === this.states.LOGOUT) return send.call(this, data);
    this.rawSensitiveCommand = false;
    pipeline.start(data.tag);
  };
  const handleResponse = internal.handleResponse;
  internal.handleResponse = async function (this: PipelineFlow, data): Promise<boolean> {
    const pipeline = active.get(flow);
    if (pipeline && (data.literals?.length ?? 0) === 0 && pipeline.take(data.payload)) return true;
    return handleResponse.call(this, data);
  };
}

class Pipeline {
  readonly #answers: Array<TaggedAnswer | undefined>;
  readonly #waiting = new Map<string, number>();
  #next = 0;
  #bytesInFlight = 0;
  #noopTag: string | null = null;
  #noopSent = false;
  #stopped = false;
  closedAfterBad = false;

  constructor(
    private readonly flow: PipelineFlow,
    private readonly folder: Token,
    private readonly messages: ReadonlyArray<{ attributes: Token[]; bytes: number }>,
    private readonly stopOn: ReadonlySet<string>,
    private readonly prefix: string,
  ) {
    this.#answers = new Array(messages.length).fill(undefined);
  }

  run(): PipelineRun {
    return { answers: this.#answers, sent: this.#next };
  }

  /** imapflow hands over its NOOP: the APPENDs go first. */
  start(noopTag: string): void {
    this.#noopTag = noopTag;
    this.#pump();
  }

  /** Takes a tagged answer to one of the pipeline's APPENDs; false for anything else. */
  take(payload: Buffer): boolean {
    if (payload.length < this.prefix.length || payload.toString('latin1', 0, this.prefix.length) !== this.prefix)
      return false;
    const line = payload.toString('utf8');
    const tag = line.slice(0, line.indexOf(' '));
    const index = this.#waiting.get(tag);
    if (index === undefined) return false;
    this.#waiting.delete(tag);
    this.#bytesInFlight -= this.messages[index]!.bytes;
    const answer = parseTagged(line.slice(tag.length + 1));
    this.#answers[index] = answer;
    if (answer.status === 'BAD') {
      this.#stopped = true;
      this.closedAfterBad = true;
      this.flow.close();
      return true;
    }
    if (answer.status === 'NO' && this.stopOn.has(answer.code ?? '')) this.#stopped = true;
    this.#pump();
    return true;
  }

  #pump(): void {
    const window = PIPELINE_WINDOW;
    while (!this.#stopped && this.#next < this.messages.length) {
      const message = this.messages[this.#next]!;
      const room =
        this.#waiting.size === 0 ||
        (this.#waiting.size < window.commands && this.#bytesInFlight + message.bytes <= window.bytes);
      if (!room) return;
      const tag = `${this.prefix}${this.#next}`;
      this.#waiting.set(tag, this.#next);
      this.#bytesInFlight += message.bytes;
      this.#next++;
      this.#write(literalPlusCommand(tag, 'APPEND', [this.folder, ...message.attributes]));
    }
    // Last, the NOOP: its answer comes after every APPEND's (a server answers in order what it
    // reads in order), and settles imapflow's request.
    if (!this.#noopSent && this.#noopTag !== null && (this.#stopped || this.#waiting.size === 0)) {
      this.#noopSent = true;
      this.#write([Buffer.from(`${this.#noopTag} NOOP`)]);
      const current = this.flow.currentRequest;
      if (current && current.tag === this.#noopTag) current.sent = true;
    }
  }

  /** A write per part (no message copied into a buffer of its own), corked into one writev; write() adds the CRLF after the last. */
  #write(parts: Buffer[]): void {
    const socket = this.flow.writeSocket;
    this.flow.commandParts = parts;
    if (socket) socket.cork();
    try {
      while (this.flow.commandParts.length > 0) this.flow.write(this.flow.commandParts.shift()!);
    } finally {
      if (socket) socket.uncork();
    }
  }
}

/** `OK [APPENDUID 38505 3955] Append completed.` → status, code, args, text. */
export function parseTagged(rest: string): TaggedAnswer {
  const match = /^(OK|NO|BAD)\b ?(.*)$/is.exec(rest.trim());
  if (!match) return { status: 'BAD', code: null, args: [], text: rest.trim() };
  const text = match[2]!.trim();
  const section = /^\[([^\]]*)\]/.exec(text);
  const [code, ...args] = section ? section[1]!.trim().split(/\s+/) : [];
  return {
    status: match[1]!.toUpperCase() as TaggedAnswer['status'],
    code: code ? code.toUpperCase() : null,
    args,
    text,
  };
}
