import { h } from './dom.ts';

/**
 * The sign-in panel shown until a token is entered: the token goes into sessionStorage and
 * the Authorization header, never into a URL. `submit` checks it with the server and throws a
 * sentence when it is refused or the server is down.
 * @example const signIn = new SignIn(async (token) => { await check(token); }); signIn.say('…');
 */
export class SignIn {
  readonly element: HTMLElement;
  readonly #input: HTMLInputElement;
  readonly #message: HTMLElement;

  constructor(submit: (token: string) => Promise<void>) {
    this.#input = h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'token-help' });
    this.#message = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
    const form = h(
      'form',
      { class: 'sign-in-form', novalidate: true },
      h('label', { for: 'token' }, 'Bearer token'),
      this.#input,
      h(
        'p',
        { id: 'token-help', class: 'muted small' },
        'It stays in this browser tab (sessionStorage) and is sent only in the Authorization header. ',
        h('code', {}, 'npm start'),
        ' prints demo tokens; a server started with ',
        h('code', {}, '--tokens FILE'),
        ' takes the tokens in that file.',
      ),
      this.#message,
      button,
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const token = this.#input.value.trim();
      if (token === '') {
        this.say('Paste a token first.');
        this.#input.focus();
        return;
      }
      this.say(null);
      button.disabled = true;
      try {
        await submit(token);
        this.#input.value = '';
      } catch (error) {
        this.say(error instanceof Error ? error.message : String(error));
        this.#input.focus();
      } finally {
        button.disabled = false;
      }
    });
    this.element = h(
      'section',
      { class: 'sign-in', 'aria-labelledby': 'sign-in-title' },
      h('div', { class: 'sign-in-card' }, h('img', { src: '/visualizer/icon.svg', alt: '', width: 40, height: 40 }), h('h1', { id: 'sign-in-title' }, 'Sign in to Tollgate'), h('p', { class: 'muted' }, 'Watch the task machine, work the approval queue and inspect actors live.'), form),
    );
  }

  /** Shows a sentence under the field (null clears it). */
  say(text: string | null): void {
    this.#message.textContent = text ?? '';
    this.#message.hidden = text === null;
  }

  focus(): void {
    this.#input.focus();
  }
}
