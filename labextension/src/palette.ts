/**
 * The rule palette and the chosen rule's form: lists the rules the server
 * offers for the selection, keeps what was typed per rule, and turns
 * "Apply" into an `apply` message (see form.ts for the fields).
 *
 * Hovering a rule, or choosing it, asks the kernel for a preview (a dry run:
 * `preview` message, answered by the `preview` trait): the palette shows
 * "would change 53 nodes" and the graph outlines those nodes. The chosen
 * rule and what was typed survive the rule going away and coming back
 * (Apply, then Undo).
 */

import { asString, button, focusQuietly, h } from './dom';
import { buildField, collectParams, controlValue, FieldValue } from './form';
import { ApplyScope, IPreview, IRuleForm, FormValue } from './types';

/** What the palette asks of the coordinator. */
export interface IPaletteActions {
  /** The current selection (paths). */
  selection(): string[];
  /** Send an `apply` message. */
  apply(rule: string, params: Record<string, FormValue>, scope: ApplyScope, strict: boolean): void;
  /** Ask the kernel what a rule would do (rule '': stop previewing). */
  preview(rule: string, params: Record<string, FormValue>, scope: ApplyScope): void;
  /** The view's `strict` setting. */
  strict(): boolean;
  /** The user switched `strict`. */
  setStrict(strict: boolean): void;
  /** Give the keyboard focus back to the widget. */
  focus(): void;
}

/** The preview trait, checked (null: no preview). */
export function readPreview(raw: unknown): IPreview | null {
  if (!raw || typeof raw !== 'object') {
    return null;
  }
  const p = raw as IPreview;
  if (typeof p.rule !== 'string' || !p.rule || typeof p.count !== 'number') {
    return null;
  }
  return {
    rule: p.rule,
    scope: p.scope === 'everywhere' ? 'everywhere' : 'selection',
    count: p.count,
    nodes: Array.isArray(p.nodes) ? p.nodes.filter(n => typeof n === 'string') : [],
    hidden: typeof p.hidden === 'number' ? p.hidden : 0,
    text: asString(p.text),
    error: asString(p.error)
  };
}

/** The form fields of one rule, by parameter name. */
interface IFormState {
  rule: IRuleForm;
  key: string;
  fields: Map<string, HTMLInputElement | HTMLSelectElement>;
  el: HTMLFormElement;
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
        error: asString(rule.error),
        disabled: asString(rule.disabled)
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
    this._list.addEventListener('mouseover', this._onHover);
    this._list.addEventListener('mouseleave', () => {
      this._hovered = null;
      this._askPreview();
    });
    this._formHost = h('div', 'glove-form-host');
    this.el.append(title, this._list, this._formHost);
  }

  /**
   * Show `raw` (the palette trait). The chosen rule and its form show while it
   * is offered; a rule that goes away (Apply made its nodes something else)
   * stays chosen, and comes back with its values when it is offered again (Undo).
   */
  render(raw: unknown): void {
    const rules = readRules(raw);
    this._rules = rules;
    this._count.textContent = ` (${rules.length})`;
    if (this._hovered !== null && !rules.some(r => r.name === this._hovered)) {
      this._hovered = null;
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
      if (rule.disabled) {
        // Applying it here would change nothing: shown, greyed, with the reason.
        li.classList.add('glove-rule-disabled');
        li.setAttribute('aria-disabled', 'true');
        li.appendChild(h('span', 'glove-rule-why', rule.disabled));
      }
      li.appendChild(h('span', 'glove-rule-preview'));
      this._list.appendChild(li);
    }
    this._renderForm();
    this._askPreview();
  }

  /**
   * Take the kernel's preview (`raw`: the preview trait): its text goes next to
   * its rule, and into the form when it is the chosen rule's. The last preview
   * of each rule stays shown (hovering another rule does not blank the form)
   * until the graph changes (`forgetPreviews`).
   */
  showPreview(raw: unknown): void {
    const preview = readPreview(raw);
    this._preview = preview;
    if (preview) {
      this._previews.set(preview.rule, preview);
    }
    this._renderPreviews();
  }

  /** The tree or the selection changed: earlier previews no longer hold (the current one does). */
  forgetPreviews(): void {
    this._previews.clear();
    if (this._preview) {
      this._previews.set(this._preview.rule, this._preview);
    }
    this._renderPreviews();
  }

  private _renderPreviews(): void {
    for (const li of Array.from(this._list.querySelectorAll('li.glove-rule'))) {
      const name = li.getAttribute('data-rule') ?? '';
      const span = li.querySelector('.glove-rule-preview');
      if (span) {
        span.textContent = this._previews.get(name)?.text ?? '';
      }
      li.classList.toggle('glove-rule-previewed', this._preview?.rule === name);
    }
    const form = this._form;
    if (this._previewLine) {
      const mine = form ? this._previews.get(form.rule.name) : undefined;
      this._previewLine.textContent = mine?.text ?? '';
      this._previewLine.hidden = mine === undefined;
    }
    this._updateDisabled();
  }

  /** Ask for the preview of the hovered rule, else the chosen one (else stop previewing). */
  private _askPreview(): void {
    const name =
      this._hovered ?? (this._rules.some(r => r.name === this._selectedRule) ? this._selectedRule : null);
    const rule = this._rules.find(r => r.name === name) ?? null;
    let params: Record<string, FormValue> = {};
    if (rule) {
      const values =
        this._form && this._form.rule.name === rule.name
          ? this._values(this._form)
          : (this._savedValues.get(rule.name) ?? new Map<string, FieldValue>());
      const collected = collectParams(rule.params, values);
      params = 'params' in collected ? collected.params : {};
    }
    const scope: ApplyScope = this._actions.selection().length ? 'selection' : 'everywhere';
    const where = JSON.stringify([this._actions.selection(), this._actions.strict()]);
    if (where !== this._previewsFor) {
      // Another selection: earlier previews no longer hold. (The current one is replaced
      // when the kernel's answer differs; an equal answer sends no change.)
      this._previewsFor = where;
      this.forgetPreviews();
    }
    const key = JSON.stringify([rule?.name ?? '', params, scope, where]);
    if (key === this._askedKey) {
      return;
    }
    this._askedKey = key;
    this._actions.preview(rule?.name ?? '', params, scope);
  }

  /** The selection (or, with `force`, `strict`) changed: ask for the preview again. */
  refreshPreview(force = false): void {
    if (force) {
      this._askedKey = '';
    }
    this._askPreview();
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
    this._askPreview();
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
    this._actions.apply(form.rule.name, result.params, scope, this._actions.strict());
  }

  /** Enable "Apply to selection" only when something is selected; show `strict`. */
  updateApplyButtons(): void {
    if (this._applySelectionButton) {
      this._applySelectionButton.disabled = this._actions.selection().length === 0;
    }
    if (this._strictBox) {
      this._strictBox.checked = this._actions.strict();
    }
    this._updateDisabled();
  }

  /**
   * A rule that would change nothing here cannot be applied: by the preview of
   * the form's values when there is one (a failing dry run leaves Apply on, so
   * Apply shows the error in full), else by the palette's check of its defaults.
   */
  private _updateDisabled(): void {
    const form = this._form;
    if (!form || !this._applySelectionButton) {
      return;
    }
    const preview = this._previews.get(form.rule.name);
    const nothing =
      preview !== undefined && preview.scope === 'selection'
        ? preview.count === 0 && preview.error === '' && preview.text.startsWith('would change nothing')
        : form.rule.disabled !== '';
    this._applySelectionButton.disabled = nothing || this._actions.selection().length === 0;
    form.el.classList.toggle('glove-form-disabled', nothing);
  }

  private _onHover = (event: MouseEvent): void => {
    const li = (event.target as Element | null)?.closest('li.glove-rule');
    const name = li && this._list.contains(li) ? li.getAttribute('data-rule') : null;
    if (name !== null && name !== this._hovered) {
      this._hovered = name;
      this._askPreview();
    }
  };

  private _onClick = (event: MouseEvent): void => {
    const target = event.target as Element | null;
    const li = target?.closest('li.glove-rule');
    if (!li || !this._list.contains(li)) {
      return;
    }
    this.selectRule(li.getAttribute('data-rule'));
    this._actions.focus();
  };

  /** The name of the chosen rule (kept while it is not offered). */
  get selectedRule(): string | null {
    return this._selectedRule;
  }

  private _renderForm(): void {
    const rule = this._rules.find(r => r.name === this._selectedRule) ?? null;
    // A form that goes away while it has the focus hands it to the rule list, never
    // to the page (where keys would reach the notebook's shortcuts).
    const hadFocus = this._formHost.contains(document.activeElement);
    if (!rule) {
      this._form = null;
      this._applySelectionButton = null;
      this._strictBox = null;
      this._previewLine = null;
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

    // What applying would do here (the kernel's dry run), kept current as values change.
    this._previewLine = h('div', 'glove-preview-text');
    this._previewLine.setAttribute('aria-live', 'polite');
    this._previewLine.hidden = true;
    form.appendChild(this._previewLine);

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
    // strict off: selected nodes the rule does not match are skipped, not refused.
    const strictLabel = h('label', 'glove-strict-label');
    strictLabel.title =
      'Strict: refuse the step if a selected node does not match the rule (off: skip those nodes)';
    this._strictBox = h('input', 'glove-strict');
    this._strictBox.type = 'checkbox';
    this._strictBox.checked = this._actions.strict();
    this._strictBox.addEventListener('change', event => {
      event.stopPropagation(); // not a form value
      this._actions.setStrict(this._strictBox?.checked ?? true);
    });
    strictLabel.append(this._strictBox, document.createTextNode(' strict'));
    actions.append(this._applySelectionButton, applyEverywhereButton, strictLabel);
    form.appendChild(actions);

    form.addEventListener('input', event => {
      if (event.target !== this._strictBox) {
        this._saveFormValues();
        this._askPreviewSoon();
      }
    });
    form.addEventListener('change', event => {
      if (event.target !== this._strictBox) {
        this._saveFormValues();
      }
    });

    this._form = { rule, key, fields, el: form };
    this._formHost.replaceChildren(form);
    if (hadFocus) {
      focusQuietly(this._list);
    }
    this.updateApplyButtons();
    this._renderPreviews(); // the hover may already have previewed this rule
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

  /** Typing in the form previews the new values once the user pauses. */
  private _askPreviewSoon(): void {
    window.clearTimeout(this._previewTimer);
    this._previewTimer = window.setTimeout(() => {
      this._hovered = null; // typing: the form's rule is the one to preview
      this._askPreview();
    }, 250);
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
  private _strictBox: HTMLInputElement | null = null;
  private _previewLine: HTMLDivElement | null = null;
  private _preview: IPreview | null = null;
  private _previews = new Map<string, IPreview>();
  private _previewsFor = '';
  private _hovered: string | null = null;
  private _askedKey = '';
  private _previewTimer = 0;
}
