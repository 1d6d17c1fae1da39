// Client authentication in OpenSSH's order: ssh-agent keys, identity files (asking for a
// passphrase when one is encrypted), then a password (password or keyboard-interactive).
// ssh2 only calls this after the host key was verified, so no credential reaches an
// unverified host.
import { existsSync, readFileSync } from 'node:fs';
import { AnyAuthMethod, AuthenticationType, AuthHandlerMiddleware, NextAuthHandler, ParsedKey, Prompt, utils } from 'ssh2';

export interface AuthSources {
  user: string;
  /** ssh-agent socket; skipped when undefined or missing. */
  agentSocket?: string;
  identityFiles: string[];
  askPassphrase?: (identityFile: string) => Promise<string | undefined>;
  askPassword?: () => Promise<string | undefined>;
  /** Runs a prompt with the connect deadline stopped. */
  whilePaused: <T>(ask: () => Promise<T>) => Promise<T>;
  onProgress?: (message: string) => void;
}

type Step = () => Promise<AnyAuthMethod | undefined>;

export class AuthSequence {
  /** What was offered, for the "refused" message. */
  readonly offered: string[] = [];
  /** Problems that were not fatal (unreadable key, wrong passphrase), for the same message. */
  readonly problems: string[] = [];
  /** The login password, if one was used: a sudo prompt may reuse it. */
  password: string | undefined;
  private readonly steps: Array<{ method: AuthenticationType; run: Step }> = [];

  constructor(private readonly src: AuthSources) {
    const { user } = src;
    if (src.agentSocket && existsSync(src.agentSocket)) {
      const agent = src.agentSocket;
      this.steps.push({ method: 'publickey', run: () => this.offer('ssh-agent', { type: 'agent', username: user, agent }) });
    }
    for (const file of src.identityFiles) {
      this.steps.push({ method: 'publickey', run: () => this.identity(file) });
    }
    if (src.askPassword) {
      this.steps.push({ method: 'password', run: () => this.passwordMethod() });
      this.steps.push({ method: 'keyboard-interactive', run: () => this.keyboardMethod() });
    }
  }

  /** ssh2 `authHandler`: `methodsLeft` is null before the server has said what it allows. */
  readonly handler: AuthHandlerMiddleware = (methodsLeft, _partial, next: NextAuthHandler) => {
    // ssh2 takes `false` for "nothing left to try"; its typings omit it.
    const done = next as (method: AnyAuthMethod | false) => void;
    void this.next(methodsLeft).then((m) => done(m ?? false));
  };

  private async next(methodsLeft: AuthenticationType[] | null): Promise<AnyAuthMethod | undefined> {
    // "none" first, as OpenSSH does: the refusal lists the methods the server allows, so
    // nobody is asked for a password that the server would not take. It costs no attempt.
    if (methodsLeft === null) return { type: 'none', username: this.src.user };
    for (let step = this.steps.shift(); step; step = this.steps.shift()) {
      if (methodsLeft && !methodsLeft.includes(step.method)) continue;
      try {
        const method = await step.run();
        if (method) return method;
      } catch (err) {
        this.problems.push(String(err instanceof Error ? err.message : err));
      }
    }
    return undefined;
  }

  private offer(what: string, method: AnyAuthMethod): Promise<AnyAuthMethod> {
    this.offered.push(what);
    this.src.onProgress?.(`Authenticating as ${this.src.user} with ${what}`);
    return Promise.resolve(method);
  }

  private async identity(file: string): Promise<AnyAuthMethod | undefined> {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') this.problems.push(`identity file ${file} could not be read (${code ?? String(err)})`);
      return undefined;
    }
    let parsed = utils.parseKey(data);
    let passphrase: string | undefined;
    if (parsed instanceof Error && /passphrase/i.test(parsed.message) && this.src.askPassphrase) {
      const ask = this.src.askPassphrase;
      passphrase = await this.src.whilePaused(() => ask(file));
      if (passphrase === undefined) return undefined;
      parsed = utils.parseKey(data, passphrase);
      if (parsed instanceof Error) {
        this.problems.push(`the passphrase for ${file} was not accepted`);
        return undefined;
      }
    }
    if (parsed instanceof Error) {
      this.problems.push(`identity file ${file} is not a usable private key (${parsed.message})`);
      return undefined;
    }
    // Hand ssh2 the parsed key: parsing an encrypted key again would run its (slow, pure-JS)
    // bcrypt KDF a second time. Some ssh2 versions return a one-element array.
    const key = Array.isArray(parsed) ? (parsed as ParsedKey[])[0] : parsed;
    if (!key) return undefined;
    const method: AnyAuthMethod = { type: 'publickey', username: this.src.user, key };
    return this.offer(`identity file ${file}`, method);
  }

  private async getPassword(): Promise<string | undefined> {
    if (this.password === undefined && this.src.askPassword) {
      const ask = this.src.askPassword;
      this.password = await this.src.whilePaused(() => ask());
    }
    return this.password;
  }

  private async passwordMethod(): Promise<AnyAuthMethod | undefined> {
    const password = await this.getPassword();
    if (password === undefined) return undefined;
    return this.offer('a password', { type: 'password', username: this.src.user, password });
  }

  private async keyboardMethod(): Promise<AnyAuthMethod | undefined> {
    // PAM-based servers often allow only keyboard-interactive: answer hidden prompts with the
    // password, shown ones with nothing. Not after a refused password: that would only count
    // as one more failure against the server's MaxAuthTries.
    if (this.offered.includes('a password')) return undefined;
    const password = await this.getPassword();
    if (password === undefined) return undefined;
    return this.offer('a password (keyboard-interactive)', {
      type: 'keyboard-interactive',
      username: this.src.user,
      prompt: (_name: string, _instr: string, _lang: string, prompts: Prompt[], finish: (answers: string[]) => void) => {
        finish(prompts.map((p) => (p.echo ? '' : password)));
      },
    });
  }
}
