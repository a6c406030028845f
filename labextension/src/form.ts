/**
 * A rule's parameter form: one field per parameter, and reading the fields
 * back into typed values. `collectParams` is pure (field values in, typed
 * parameters or an error out) so it is tested without a browser.
 */

import { asString, asStringArray, h } from './dom';
import { IParamForm, FormValue } from './types';

/** The raw value of one field: its text, or a checkbox's state. */
export type FieldValue = string | boolean;

/** Typed parameters for an `apply` message, or the first problem found. */
export type Collected = { params: Record<string, FormValue> } | { error: string };

/**
 * Turn the raw field values of a rule's form into typed parameters.
 *
 * Empty optional fields are left out (the rule's default applies); an empty
 * required field, a non-number in a number field or a fraction in an int
 * field is an error naming the parameter.
 */
export function collectParams(
  specs: readonly IParamForm[],
  values: ReadonlyMap<string, FieldValue>
): Collected {
  const params: Record<string, FormValue> = {};
  for (const param of specs) {
    if (!values.has(param.name)) {
      continue;
    }
    const raw = values.get(param.name);
    switch (param.kind) {
      case 'int':
      case 'float': {
        const text = asString(raw).trim();
        if (text === '') {
          if (param.required) {
            return { error: `${param.name} is required.` };
          }
          break;
        }
        const value = Number(text);
        if (!Number.isFinite(value)) {
          return { error: `${param.name} must be a number.` };
        }
        if (param.kind === 'int' && !Number.isInteger(value)) {
          return { error: `${param.name} must be an integer.` };
        }
        params[param.name] = value;
        break;
      }
      case 'bool':
        params[param.name] = raw === true;
        break;
      case 'choice': {
        const value = asString(raw);
        if (value === '') {
          if (param.required) {
            return { error: `${param.name} is required.` };
          }
          break;
        }
        params[param.name] = value;
        break;
      }
      default: {
        const value = asString(raw);
        if (value === '' && param.required) {
          return { error: `${param.name} is required.` };
        }
        params[param.name] = value;
      }
    }
  }
  return { params };
}

/** The raw value of a form control. */
export function controlValue(control: HTMLInputElement | HTMLSelectElement): FieldValue {
  return control instanceof HTMLInputElement && control.type === 'checkbox'
    ? control.checked
    : control.value;
}

/**
 * One labelled field for `param`, showing `saved` (what the user typed
 * before) or else the parameter's default. `id` must be unique in the page.
 */
export function buildField(
  param: IParamForm,
  saved: FieldValue | undefined,
  id: string
): { row: HTMLElement; control: HTMLInputElement | HTMLSelectElement } {
  const row = h('div', `glove-field glove-field-${param.kind}`);
  const label = h('label', 'glove-field-label', param.name);
  label.htmlFor = id;
  if (param.required) {
    label.appendChild(h('span', 'glove-required', ' *'));
  }
  const def = param.default;
  let control: HTMLInputElement | HTMLSelectElement;
  switch (param.kind) {
    case 'int':
    case 'float': {
      const input = h('input', 'glove-input');
      input.type = 'number';
      input.step = param.kind === 'int' ? '1' : 'any';
      if (typeof saved === 'string') {
        input.value = saved;
      } else if (typeof def === 'number' && Number.isFinite(def)) {
        input.value = String(def);
      }
      control = input;
      break;
    }
    case 'bool': {
      const input = h('input', 'glove-checkbox');
      input.type = 'checkbox';
      input.checked = typeof saved === 'boolean' ? saved : def === true;
      control = input;
      break;
    }
    case 'choice': {
      const select = h('select', 'glove-select');
      const choices = asStringArray(param.choices);
      const defText = def === null || def === undefined ? '' : asString(def);
      if (!param.required || defText === '' || !choices.includes(defText)) {
        const blank = h('option', undefined, '—');
        blank.value = '';
        select.appendChild(blank);
      }
      for (const choice of choices) {
        const option = h('option', undefined, choice);
        option.value = choice;
        select.appendChild(option);
      }
      const wanted = typeof saved === 'string' ? saved : defText;
      select.value = choices.includes(wanted) ? wanted : '';
      control = select;
      break;
    }
    default: {
      const input = h('input', 'glove-input');
      input.type = 'text';
      input.spellcheck = false;
      if (typeof saved === 'string') {
        input.value = saved;
      } else if (def !== null && def !== undefined) {
        input.value = asString(def);
      }
      control = input;
    }
  }
  control.name = param.name;
  control.id = id;
  control.required = param.required === true;
  control.setAttribute('data-kind', param.kind);
  if (param.kind === 'bool') {
    row.append(control, label);
  } else {
    row.append(label, control);
  }
  return { row, control };
}
