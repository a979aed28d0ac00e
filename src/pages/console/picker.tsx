import { fieldId } from '../components/ui';
import { t } from '../components/context';
import type { Locale } from '../../lib/i18n';

export interface PickablePerson { id: string; name: string; email: string; unitName: string | null }

/**
 * Choosing people by name, never by id: a list of names (with unit and e-mail to tell namesakes
 * apart) as checkboxes, or radios for a single pick. With the console script, a filter box narrows
 * the list as one types; without it the whole list is there to scroll.
 */
export function PeoplePicker(p: { name: string; legend: string; hint?: string; error?: string; people: PickablePerson[]; selected?: string[]; single?: boolean; l: Locale }) {
  const id = fieldId(p.name);
  const chosen = new Set(p.selected ?? []);
  // The chosen first, so a long list still shows them.
  const ordered = [...p.people].sort((a, b) => Number(chosen.has(b.id)) - Number(chosen.has(a.id)));
  const described = [p.hint ? `${id}-hint` : '', p.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <fieldset id={id} data-picker="" aria-describedby={described}>
        <legend>{p.legend}</legend>
        {p.hint ? <span class="hint" id={`${id}-hint`}>{p.hint}</span> : null}
        {p.error ? <span class="error-message" id={`${id}-error`}>{p.error}</span> : null}
        <div class="picker-filter" hidden>
          <label class="hint" for={`${id}-filter`}>{t(p.l, `按姓名或邮箱筛选${p.legend}`, `Filter ${p.legend} by name or e-mail`)}</label>
          <input type="search" id={`${id}-filter`} autocomplete="off" />
        </div>
        <div class="picker-list">
          {ordered.length ? ordered.map((person, i) => (
            <label class="choice" for={`${id}-${i}`} data-search={`${person.name} ${person.email} ${person.unitName ?? ''}`.toLowerCase()}>
              <input type={p.single ? 'radio' : 'checkbox'} id={`${id}-${i}`} name={p.name} value={person.id} checked={chosen.has(person.id)} />
              <span>
                {person.name}
                <span class="hint">{[person.unitName, person.email].filter(Boolean).join(' · ')}</span>
              </span>
            </label>
          )) : <p class="empty">{t(p.l, '没有可选的人员', 'Nobody to choose from')}</p>}
        </div>
      </fieldset>
    </div>
  );
}
