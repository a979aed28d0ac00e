import type { Context } from 'hono';
import { fieldId } from '../components/ui';
import { t } from '../components/context';
import type { AppEnv } from '../../lib/http';
import type { Locale } from '../../lib/i18n';
import { textProblem } from '../../lib/text';
import { searchPeople, type PickablePerson } from '../../services/org';
import { many, one, type FormData } from './forms';

export type { PickablePerson };

/** What one picker shows: the people chosen, the query typed into its search box and what it found. */
export interface PickerState { chosen: PickablePerson[]; query: string; found: PickablePerson[] }

/** The search box of picker `name` is the form field `${name}Q`; its no-script search button posts `pickerSearch=name`. */
export const queryField = (name: string) => `${name}Q`;
export const PICKER_SEARCH = 'pickerSearch';

/** Whether a posted form is a picker's search (re-render the form with what it found) rather than the form itself. */
export const isPickerSearch = (form: FormData) => one(form, PICKER_SEARCH) !== '';

/**
 * The state of each named picker from a form's values: the chosen ids looked up by name, and each
 * search box's query run through the same people search the type-ahead calls (limited, and only
 * the people this person may see). `alsoIds` are people already shown on the page (an account's
 * current holders), named even outside the person's units.
 */
export async function pickerStates(c: Context<AppEnv>, values: FormData, names: string[], alsoIds: string[] = []): Promise<Record<string, PickerState>> {
  const { deps, person } = c.var;
  const ids = [...new Set(names.flatMap((n) => many(values, n)))].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const chosen = ids.length ? await searchPeople(deps.db, person, { ids, alsoIds }) : [];
  const out: Record<string, PickerState> = {};
  for (const name of names) {
    const query = one(values, queryField(name)).slice(0, 100);
    const found = query && !textProblem(query) ? await searchPeople(deps.db, person, { q: query }) : [];
    const mine = many(values, name);
    out[name] = { chosen: chosen.filter((p) => mine.includes(p.id)), query, found };
  }
  return out;
}

/**
 * Choosing people by name, never by id, without handing anyone the directory: a search box (at
 * most 20 matches, only people the person may see) whose results join the chosen as checkboxes,
 * or radios for a single pick. Without script the search button posts the form back and the page
 * re-renders with the matches; with the console script the box searches as one types.
 */
export function PeoplePicker(p: { name: string; legend: string; hint?: string; error?: string; state: PickerState; single?: boolean; l: Locale }) {
  const id = fieldId(p.name);
  const chosenIds = new Set(p.state.chosen.map((x) => x.id));
  const shown = [...p.state.chosen, ...p.state.found.filter((x) => !chosenIds.has(x.id))];
  const described = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const none = t(p.l, '没有找到“{q}”（只能选择您可见的人员）', 'Nobody found for “{q}” (only people you may see)');
  const prompt = t(p.l, '输入姓名或邮箱搜索', 'Search by name or e-mail');
  const empty = p.state.query ? none.replace('{q}', p.state.query) : prompt;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <fieldset id={id} data-picker={p.name} data-single={p.single ? '' : undefined} aria-describedby={described}>
        <legend>{p.legend}</legend>
        {p.hint ? <span class="hint" id={`${id}-hint`}>{p.hint}</span> : null}
        {p.error ? <span class="error-message" id={`${id}-error`}>{p.error}</span> : null}
        <div class="picker-search">
          <label class="hint" for={`${id}-q`}>{t(p.l, `搜索${p.legend}（姓名或邮箱）`, `Search ${p.legend} (name or e-mail)`)}</label>
          <div class="picker-row">
            <input type="search" id={`${id}-q`} name={queryField(p.name)} value={p.state.query} autocomplete="off" maxlength={100} />
            <button type="submit" class="btn secondary" name={PICKER_SEARCH} value={p.name} formnovalidate>{t(p.l, '搜索', 'Search')}</button>
          </div>
        </div>
        <div class="picker-list" aria-live="polite" data-empty={prompt} data-none={none}>
          {shown.map((person) => (
            <label class="choice" for={`${id}-${person.id}`}>
              <input type={p.single ? 'radio' : 'checkbox'} id={`${id}-${person.id}`} name={p.name} value={person.id} checked={chosenIds.has(person.id)} />
              <span>
                {person.name}
                <span class="hint">{[person.unitName, person.email].filter(Boolean).join(' · ')}</span>
              </span>
            </label>
          ))}
          {shown.length ? null : <p class="empty">{empty}</p>}
        </div>
      </fieldset>
    </div>
  );
}
