/**
 * The rule palette and the chosen rule's form: lists the rules the server
 * offers for the selection, keeps what was typed per rule, and turns
 * "Apply" into an `apply` message (see form.ts for the fields).
 */

import { asString, button, focusQuietly, h } from './dom';
import { buildField, collectParams, controlValue, FieldValue } from './form';
import { ApplyScope, IRuleForm, FormValue } from './types';

/** What the palette asks of the coordinator. */
export interface IPaletteActions {
  /** The current selection (paths). */
  selection(): string[];
  /** Send an `apply` message. */
  apply(rule: string, params: Record<string, FormValue>, scope: ApplyScope): void;
  /** Give the keyboard focus back to the widget. */
  focus(): void;
}

/** The form fields of one rule, by parameter name. */
interface IFormState {
  rule: IRuleForm;
  key: string;
  fields: Map<string, HTMLInputElement | HTMLSelectElement>;
}

let nextUid = 0;

/** Rules from the palette trait, checked and normalised. */
export function readRules(raw: unknown): IRuleForm[] {
  if (!Array.isArray(raw)) {
    return [];
  }
  return raw
    .filter(r => r && typeof r === 'object' && typeof (r as IRuleForm).name === 'string')
    .map(r => {
      const rule = r as IRuleForm;
      return {
        name: rule.name,
        doc: asString(rule.doc),
        params: Array.isArray(rule.params) ? rule.params.filter(p => p && p.name) : [],
        error: asString(rule.error)
      };
    });
}

export class PaletteView {
  /** The section (`.glove-palette-section`). */
  readonly el: HTMLElement;

  constructor(actions: IPaletteActions) {
    this._actions = actions;
    this._uid = ++nextUid;
    this.el = h('section', 'glove-section glove-palette-section');
    const title = h('h3', 'glove-section-title', 'Rules');
    this._count = h('span', 'glove-count');
    title.appendChild(this._count);
    this._list = h('ul', 'glove-palette');
    this._list.setAttribute('role', 'listbox');
    this._list.setAttribute('aria-label', 'Rules');
    // Tab stops here; ArrowUp/ArrowDown choose a rule (keyboard.ts).
    this._list.tabIndex = 0;
    this._list.addEventListener('click', this._onClick);
    this._formHost = h('div', 'glove-form-host');
    this.el.append(title, this._list, this._formHost);
  }

  /** Show `raw` (the palette trait); the chosen rule and its form stay if still offered. */
  render(raw: unknown): void {
    const rules = readRules(raw);
    this._rules = rules;
    this._count.textContent = ` (${rules.length})`;
    if (this._selectedRule !== null && !rules.some(r => r.name === this._selectedRule)) {
      this._selectedRule = null;
    }
    this._list.replaceChildren();
    if (!rules.length) {
      const empty = h('li', 'glove-empty', 'No rules match the selection.');
      empty.setAttribute('role', 'presentation');
      this._list.appendChild(empty);
    }
    for (const rule of rules) {
      const li = h('li', 'glove-rule');
      li.setAttribute('data-rule', rule.name);
      li.setAttribute('role', 'option');
      li.title = rule.doc || rule.name;
      const selected = rule.name === this._selectedRule;
      li.classList.toggle('glove-rule-selected', selected);
      li.setAttribute('aria-selected', String(selected));
      li.appendChild(h('span', 'glove-rule-name', rule.name));
      if (rule.doc) {
        li.appendChild(h('span', 'glove-rule-doc', rule.doc.split('\n')[0]));
      }
      if (rule.error) {
        // The session's check refused this rule's last step: say why, next to the rule.
        li.classList.add('glove-rule-failed');
        li.appendChild(h('span', 'glove-rule-error', rule.error));
      }
      this._list.appendChild(li);
    }
    this._renderForm();
  }

  /** Choose a rule (null: none) and show its form. */
  selectRule(name: string | null): void {
    this._selectedRule = name;
    for (const li of Array.from(this._list.querySelectorAll('li.glove-rule'))) {
      const selected = li.getAttribute('data-rule') === name;
      li.classList.toggle('glove-rule-selected', selected);
      li.setAttribute('aria-selected', String(selected));
      if (selected) {
        (li as HTMLElement).scrollIntoView?.({ block: 'nearest' });
      }
    }
    this._renderForm();
  }

  /** Choose the next (`delta` 1) or previous (-1) rule. */
  moveRuleSelection(delta: number): void {
    const rules = this._rules;
    if (!rules.length) {
      return;
    }
    const at = rules.findIndex(r => r.name === this._selectedRule);
    const next =
      at < 0
        ? delta > 0
          ? 0
          : rules.length - 1
        : Math.min(rules.length - 1, Math.max(0, at + delta));
    this.selectRule(rules[next].name);
  }

  /** Apply the chosen rule with the form's values, or say what is missing. */
  applySelected(scope: ApplyScope): void {
    const form = this._form;
    if (!form) {
      return;
    }
    if (scope === 'selection' && this._actions.selection().length === 0) {
      this._showMessage('Select one or more nodes first, or use “Apply everywhere”.');
      return;
    }
    const result = collectParams(form.rule.params, this._values(form));
    if ('error' in result) {
      this._showMessage(result.error);
      return;
    }
    if (this._message) {
      this._message.hidden = true;
    }
    this._actions.apply(form.rule.name, result.params, scope);
  }

  /** Enable "Apply to selection" only when something is selected. */
  updateApplyButtons(): void {
    if (this._applySelectionButton) {
      this._applySelectionButton.disabled = this._actions.selection().length === 0;
    }
  }

  private _onClick = (event: MouseEvent): void => {
    const target = event.target as Element | null;
    const li = target?.closest('li.glove-rule');
    if (!li || !this._list.contains(li)) {
      return;
    }
    this.selectRule(li.getAttribute('data-rule'));
    this._actions.focus();
  };

  private _renderForm(): void {
    const rule = this._rules.find(r => r.name === this._selectedRule) ?? null;
    // A form that goes away while it has the focus hands it to the rule list, never
    // to the page (where keys would reach the notebook's shortcuts).
    const hadFocus = this._formHost.contains(document.activeElement);
    if (!rule) {
      this._form = null;
      this._formHost.replaceChildren();
      if (hadFocus) {
        focusQuietly(this._list);
      }
      return;
    }
    const key = JSON.stringify(rule);
    if (this._form && this._form.key === key && this._formHost.firstChild) {
      // Same rule, same parameters: keep the form (and what was typed in it).
      this.updateApplyButtons();
      return;
    }
    const saved = this._savedValues.get(rule.name);
    const form = h('form', 'glove-form');
    form.noValidate = true;
    form.setAttribute('data-rule', rule.name);
    // Shortcuts never fire from inside the form (Lumino honours this).
    form.setAttribute('data-lm-suppress-shortcuts', 'true');
    form.addEventListener('submit', event => {
      event.preventDefault();
      this.applySelected('selection');
    });

    form.appendChild(h('div', 'glove-form-title', rule.name));
    if (rule.doc) {
      form.appendChild(h('p', 'glove-form-doc', rule.doc));
    }

    const fields = new Map<string, HTMLInputElement | HTMLSelectElement>();
    for (const param of rule.params) {
      const id = `glove-${this._uid}-field-${++this._fieldCounter}`;
      const field = buildField(param, saved?.get(param.name), id);
      fields.set(param.name, field.control);
      form.appendChild(field.row);
    }

    this._message = h('div', 'glove-form-message');
    this._message.setAttribute('role', 'alert');
    this._message.hidden = true;
    form.appendChild(this._message);

    const actions = h('div', 'glove-form-actions');
    this._applySelectionButton = button(
      'glove-apply-selection glove-primary',
      'Apply to selection',
      'Apply the rule to the selected nodes (Enter)'
    );
    const applyEverywhereButton = button(
      'glove-apply-everywhere',
      'Apply everywhere',
      'Apply the rule wherever it matches'
    );
    this._applySelectionButton.addEventListener('click', () => this.applySelected('selection'));
    applyEverywhereButton.addEventListener('click', () => this.applySelected('everywhere'));
    actions.append(this._applySelectionButton, applyEverywhereButton);
    form.appendChild(actions);

    form.addEventListener('input', () => this._saveFormValues());
    form.addEventListener('change', () => this._saveFormValues());

    this._form = { rule, key, fields };
    this._formHost.replaceChildren(form);
    if (hadFocus) {
      focusQuietly(this._list);
    }
    this.updateApplyButtons();
  }

  private _values(form: IFormState): Map<string, FieldValue> {
    const values = new Map<string, FieldValue>();
    for (const [name, control] of form.fields) {
      values.set(name, controlValue(control));
    }
    return values;
  }

  private _saveFormValues(): void {
    if (!this._form) {
      return;
    }
    this._savedValues.set(this._form.rule.name, this._values(this._form));
    if (this._message) {
      this._message.hidden = true;
    }
  }

  private _showMessage(text: string): void {
    if (this._message) {
      this._message.textContent = text;
      this._message.hidden = false;
    }
  }

  private _actions: IPaletteActions;
  private _uid: number;
  private _count: HTMLSpanElement;
  private _list: HTMLUListElement;
  private _formHost: HTMLDivElement;
  private _rules: IRuleForm[] = [];
  private _selectedRule: string | null = null;
  private _form: IFormState | null = null;
  private _message: HTMLDivElement | null = null;
  private _fieldCounter = 0;
  private _savedValues = new Map<string, Map<string, FieldValue>>();
  private _applySelectionButton: HTMLButtonElement | null = null;
}
