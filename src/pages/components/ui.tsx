import type { Child } from 'hono/jsx';
import { cstMinute } from '../../domain/cst';
import { label, type Locale } from '../../lib/i18n';
import { t } from './context';
import { Mixed, userLang } from './user-text';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'grey';

export function Card({ title, id, children, actions }: { title?: Child; id?: string; actions?: Child; children?: Child }) {
  return (
    <section class="card" id={id}>
      {title ? <h2>{title}</h2> : null}
      {children}
      {actions ? <div class="actions">{actions}</div> : null}
    </section>
  );
}

export function Tag({ tone = 'grey', children }: { tone?: Tone; children?: Child }) {
  return <span class={`tag ${tone}`}>{children}</span>;
}

const STATUS_TONE: Record<string, Tone> = {
  draft: 'grey', in_review: 'info', returned: 'warn', rejected: 'bad', approved: 'ok', withdrawn: 'grey', retracted: 'bad',
};

/** A draft's status as a coloured tag, in the page's language. */
export function StatusTag({ status, l }: { status: string; l: Locale }) {
  return <Tag tone={STATUS_TONE[status] ?? 'grey'}>{label('status', status, l)}</Tag>;
}

/** A time as people on campus read it, with its zone said (北京时间); `zone={false}` where a column's heading says it once. */
export function Time({ at, l, zone = true }: { at: Date | string | null | undefined; l: Locale; zone?: boolean }) {
  if (!at) return <span>—</span>;
  const iso = new Date(at).toISOString();
  return <time datetime={iso}>{zone ? `${cstMinute(at)} ${t(l, '北京时间', 'Beijing time')}` : cstMinute(at)}</time>;
}

export function Notice({ tone = 'info', children }: { tone?: Tone; children?: Child }) {
  return <div class={`notice ${tone}`} role={tone === 'bad' ? 'alert' : 'status'}>{children}</div>;
}

/** Facts as a two-column list (one column on phones). */
export function Facts({ rows }: { rows: [Child, Child][] }) {
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}

/**
 * A data table; on phones each row becomes a block with the column name before each value.
 * `rows` are cells in column order; `empty` is said when there are none.
 */
export function Table({ head, rows, empty, caption }: { head: string[]; rows: Child[][]; empty: string; caption?: string }) {
  if (!rows.length) return <p class="empty">{empty}</p>;
  return (
    <div class="table-wrap">
      <table class="data stack">
        {caption ? <caption class="muted">{caption}</caption> : null}
        <thead>
          <tr>{head.map((h) => <th scope="col">{h}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((cells) => (
            <tr>{cells.map((cell, i) => <td data-label={head[i]}>{cell}</td>)}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface TimelineItem {
  tone?: Tone | 'pending';
  title: Child;
  at?: Date | string | null;
  children?: Child;
}

export function Timeline({ items, l }: { items: TimelineItem[]; l: Locale }) {
  return (
    <ol class="timeline">
      {items.map((item) => (
        <li class={item.tone ?? ''}>
          {/* A line of ours naming people, units, files: their words in it in their own language. */}
          <div>{typeof item.title === 'string' ? <Mixed l={l} text={item.title} /> : item.title}</div>
          {item.at ? <div class="when"><Time at={item.at} l={l} /></div> : null}
          {item.children}
        </li>
      ))}
    </ol>
  );
}

// ---- Forms (GOV.UK pattern: label, hint, error message, then the control; a summary on top) ----

/** Field errors by field name, as a form handler collects them from a validation_failed error. */
export type FieldErrors = Record<string, string>;

export const fieldId = (name: string) => `f-${name.replace(/[^\w-]/g, '-')}`;

/** The list of what is wrong, each linking to its field; it takes focus when the page loads. */
export function ErrorSummary({ errors, l }: { errors: FieldErrors; l: Locale }) {
  const entries = Object.entries(errors);
  if (!entries.length) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t(l, '提交的内容有问题', 'There is a problem')}</h2>
      <ul>
        {entries.map(([name, message]) => (
          <li><a href={`#${fieldId(name)}`}>{message}</a></li>
        ))}
      </ul>
    </div>
  );
}

interface FieldFrame {
  name: string;
  label: Child;
  hint?: Child;
  error?: string;
  children?: Child;
}

function Field({ name, label: text, hint, error, children }: FieldFrame) {
  const id = fieldId(name);
  return (
    <div class={error ? 'field has-error' : 'field'}>
      <label for={id}>{text}</label>
      {hint ? <span class="hint" id={`${id}-hint`}>{hint}</span> : null}
      {error ? <span class="error-message" id={`${id}-error`}>{error}</span> : null}
      {children}
    </div>
  );
}

const describedBy = (name: string, hint: unknown, error: unknown) =>
  [hint ? `${fieldId(name)}-hint` : '', error ? `${fieldId(name)}-error` : ''].filter(Boolean).join(' ') || undefined;

export function TextField(p: Omit<FieldFrame, 'children'> & { value?: string; type?: string; autocomplete?: string; required?: boolean; inputmode?: 'email' | 'numeric' | 'text' | 'search' | 'url'; spellcheck?: boolean; min?: string }) {
  return (
    <Field {...p}>
      <input
        type={p.type ?? 'text'} id={fieldId(p.name)} name={p.name} value={p.value ?? ''} autocomplete={p.autocomplete}
        required={p.required} inputmode={p.inputmode} spellcheck={p.spellcheck} min={p.min}
        aria-describedby={describedBy(p.name, p.hint, p.error)} aria-invalid={p.error ? 'true' : undefined}
      />
    </Field>
  );
}

/** A file chooser; on a phone `capture` offers the camera. Its form needs `enctype="multipart/form-data"`. */
export function FileField(p: Omit<FieldFrame, 'children'> & { accept?: string; multiple?: boolean; capture?: boolean; required?: boolean }) {
  return (
    <Field {...p}>
      <input
        type="file" id={fieldId(p.name)} name={p.name} accept={p.accept} multiple={p.multiple} capture={p.capture ? true : undefined} required={p.required}
        aria-describedby={describedBy(p.name, p.hint, p.error)} aria-invalid={p.error ? 'true' : undefined}
      />
    </Field>
  );
}

export function TextArea(p: Omit<FieldFrame, 'children'> & { value?: string; rows?: number; required?: boolean }) {
  return (
    <Field {...p}>
      <textarea id={fieldId(p.name)} name={p.name} rows={p.rows ?? 4} required={p.required} aria-describedby={describedBy(p.name, p.hint, p.error)} aria-invalid={p.error ? 'true' : undefined}>
        {p.value ?? ''}
      </textarea>
    </Field>
  );
}

/** `l`, the page's language, when the options are people's words (units, people, accounts): each is then marked with its own language. */
export function Select(p: Omit<FieldFrame, 'children'> & { value?: string; options: [value: string, label: string][]; l?: Locale }) {
  return (
    <Field {...p}>
      <select id={fieldId(p.name)} name={p.name} aria-describedby={describedBy(p.name, p.hint, p.error)} aria-invalid={p.error ? 'true' : undefined}>
        {p.options.map(([value, text]) => <option value={value} selected={value === p.value} lang={p.l && userLang(p.l, text)}>{text}</option>)}
      </select>
    </Field>
  );
}

export interface Choice {
  value: string;
  label: Child;
  hint?: Child;
  checked?: boolean;
  /** A choice that cannot be taken, with the reason shown as its hint. */
  disabled?: boolean;
}

/** Checkboxes or radios in a fieldset whose legend is the question. */
export function Choices(p: { name: string; legend: Child; hint?: Child; error?: string; type?: 'checkbox' | 'radio'; choices: Choice[] }) {
  const id = fieldId(p.name);
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <fieldset id={id} aria-describedby={describedBy(p.name, p.hint, p.error)}>
        <legend>{p.legend}</legend>
        {p.hint ? <span class="hint" id={`${id}-hint`}>{p.hint}</span> : null}
        {p.error ? <span class="error-message" id={`${id}-error`}>{p.error}</span> : null}
        <div class="choices">
          {p.choices.map((c, i) => (
            <label class={c.disabled ? 'choice disabled' : 'choice'} for={`${id}-${i}`}>
              <input type={p.type ?? 'checkbox'} id={`${id}-${i}`} name={p.name} value={c.value} checked={c.checked} disabled={c.disabled} />
              <span>
                {c.label}
                {c.hint ? <span class="hint">{c.hint}</span> : null}
              </span>
            </label>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

/** A POST form carrying the CSRF token; `confirm` asks before sending (when scripts run). */
export function PostForm(p: { action: string; csrf: string; confirm?: string; class?: string; id?: string; enctype?: 'multipart/form-data'; children?: Child }) {
  return (
    <form method="post" action={p.action} class={p.class} id={p.id} enctype={p.enctype} data-confirm={p.confirm}>
      <input type="hidden" name="_csrf" value={p.csrf} />
      {p.children}
    </form>
  );
}

export function Button(p: { kind?: 'primary' | 'secondary' | 'danger' | 'ok' | 'warn'; name?: string; value?: string; type?: 'submit' | 'button'; children?: Child; id?: string }) {
  const cls = p.kind && p.kind !== 'primary' ? `btn ${p.kind}` : 'btn';
  return <button type={p.type ?? 'submit'} class={cls} name={p.name} value={p.value} id={p.id}>{p.children}</button>;
}

export function LinkButton({ href, kind, children }: { href: string; kind?: 'primary' | 'secondary'; children?: Child }) {
  return <a class={kind === 'secondary' ? 'btn secondary' : 'btn'} href={href}>{children}</a>;
}
