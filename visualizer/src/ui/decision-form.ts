import { ApiError } from '../api/problem.ts';
import { checkReject, checkReroute, type FormCheck } from '../logic/decision-forms.ts';
import { visibleJson } from '../../../src/util/visible-text.ts';
import { h } from './dom.ts';

/** What a form does when it is valid: send, and resolve, or throw the server's error. */
export type Submit<T> = (body: T) => Promise<void>;
/** Turns a server error into a sentence for the form. */
export type Explain = (error: unknown) => string;

let formCount = 0;

/**
 * The reject form: a required reason, checked before sending; the server's 400 is shown the
 * same way, under the field it names.
 * @example card.append(rejectForm(send, explain, close));
 */
export function rejectForm(submit: Submit<{ reason: string }>, explain: Explain, close: () => void): HTMLFormElement {
  const id = `reject-${++formCount}`;
  const reason = field(id, 'reason', 'Reason (required — the agent and the audit log see it)', h('textarea', { rows: 2, maxlength: 2000 }));
  return decisionForm('Reject', [reason], () => checkReject(reason.value()), submit, explain, close);
}

/** What a reroute form starts from: the request's action type, and its arguments once the task is read. */
export interface RerouteStart {
  actionType: string;
  /** The task's arguments; null when they could not be read (the field then starts empty). */
  args: Promise<Record<string, unknown> | null>;
}

/**
 * The reroute form: the alternative action (type, JSON arguments, title) and a reason. It
 * starts from the request — its action type, and its arguments as soon as they are read — since
 * the usual alternative is the same action made safer (another branch, staging for production);
 * arguments the person has started typing are never overwritten.
 * @example card.append(rerouteForm(send, explain, close, { actionType: approval.actionType, args: readArgs(approval.taskId) }));
 */
export function rerouteForm(
  submit: Submit<{ reason: string; alternative: { actionType: string; args?: Record<string, unknown>; title?: string } }>,
  explain: Explain,
  close: () => void,
  start: RerouteStart,
): HTMLFormElement {
  const id = `reroute-${++formCount}`;
  const actionType = field(id, 'actionType', 'Run instead (action type)', h('input', { type: 'text', value: start.actionType, autocomplete: 'off', spellcheck: 'false' }));
  const args = field(id, 'args', 'Arguments (JSON object, optional)', h('textarea', { rows: 2, class: 'mono', placeholder: 'reading the request’s arguments…', spellcheck: 'false' }));
  let typed = false;
  args.control.addEventListener('input', () => {
    typed = true;
  });
  void start.args.then(
    (value) => {
      args.control.placeholder = '{"branch": "staging"}';
      if (typed || value === null || Object.keys(value).length === 0) return;
      // Hidden characters as JSON escapes: the same arguments when sent, readable while edited.
      const text = visibleJson(value);
      args.control.value = text;
      args.control.setAttribute('rows', String(Math.min(8, text.split('\n').length)));
    },
    () => {
      args.control.placeholder = '{"branch": "staging"}';
    },
  );
  const title = field(id, 'title', 'Title (optional)', h('input', { type: 'text', maxlength: 500 }));
  const reason = field(id, 'reason', 'Reason (required)', h('textarea', { rows: 2, maxlength: 2000 }));
  const fields = [actionType, args, title, reason];
  const read = () => checkReroute({ actionType: actionType.value(), args: args.value(), title: title.value(), reason: reason.value() });
  return decisionForm('Reroute', fields, read, submit, explain, close);
}

interface Field {
  name: string;
  element: HTMLElement;
  control: HTMLInputElement | HTMLTextAreaElement;
  value(): string;
  setError(message: string | null): void;
}

function field(formId: string, name: string, labelText: string, control: HTMLInputElement | HTMLTextAreaElement): Field {
  const id = `${formId}-${name}`;
  control.id = id;
  control.name = name;
  const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const element = h('div', { class: 'field' }, h('label', { for: id }, labelText), control, error);
  return {
    name,
    element,
    control,
    value: () => control.value,
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = message === null;
      if (message === null) {
        control.removeAttribute('aria-invalid');
        control.removeAttribute('aria-describedby');
      } else {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', error.id);
      }
    },
  };
}

function decisionForm<T>(verb: string, fields: Field[], read: () => FormCheck<T>, submit: Submit<T>, explain: Explain, close: () => void): HTMLFormElement {
  const message = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const send = h('button', { type: 'submit', class: verb === 'Reject' ? 'danger' : 'primary' }, verb);
  const form = h(
    'form',
    { class: 'decision-form', novalidate: true, 'aria-label': `${verb} this request` },
    fields.map((f) => f.element),
    message,
    h('div', { class: 'form-actions' }, send, h('button', { type: 'button', class: 'ghost', onclick: close }, 'Cancel')),
  );
  const showMessage = (text: string | null) => {
    message.textContent = text ?? '';
    message.hidden = text === null;
  };
  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    // Handled: the card around the form closes on the next Escape, not on this one.
    event.preventDefault();
    close();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of fields) f.setError(null);
    showMessage(null);
    const checked = read();
    if (!checked.ok) {
      for (const f of fields) f.setError(checked.errors[f.name] ?? null);
      fields.find((f) => checked.errors[f.name])?.control.focus();
      return;
    }
    send.disabled = true;
    try {
      await submit(checked.body);
    } catch (error) {
      const named = error instanceof ApiError ? fields.filter((f) => error.issues.some((issue) => issue.path.split('.').includes(f.name))) : [];
      for (const f of named) f.setError(error instanceof ApiError ? (error.issues.find((i) => i.path.split('.').includes(f.name))?.message ?? null) : null);
      showMessage(explain(error));
    } finally {
      send.disabled = false;
    }
  });
  queueMicrotask(() => fields[0]?.control.focus());
  return form;
}
