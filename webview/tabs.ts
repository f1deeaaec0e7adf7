/**
 * Accessible tabs (WAI-ARIA Authoring Practices "Tabs with automatic activation"): one tab stop for
 * the tab list, arrow keys / Home / End move between tabs, panels are focusable. Built here rather
 * than with vscode-panels because its tab strip cannot wrap, which breaks narrow panels. A panel is
 * built when first shown.
 */
import { h, uid } from './dom';

export interface TabSpec {
  id: string;
  label: string;
  /** Shown after the label as a count ("3", "2/3"). */
  badge?: string;
  /** Marks the tab as holding something wrong (failed check, error status). */
  alert?: boolean;
  /** Built when the tab is first shown: a long run's cards hold many panels nobody opens. */
  content: () => HTMLElement;
}

export interface Tabs {
  element: HTMLElement;
  /** Builds the panels of `ids` again from their specs: now if shown, else when next shown. */
  rebuild(ids: readonly string[]): void;
}

export function tabs(ariaLabel: string, specs: TabSpec[], selected: string | undefined, onSelect: (id: string) => void): Tabs {
  const active = specs.some((s) => s.id === selected) ? selected : specs[0]?.id;
  const list = h('div', { class: 'tablist', attrs: { role: 'tablist', 'aria-label': ariaLabel } });
  const buttons: HTMLButtonElement[] = [];
  const panels: HTMLElement[] = [];
  const show = (index: number): void => {
    const panel = panels[index];
    panel.hidden = false;
    if (!panel.firstChild) panel.append(specs[index].content());
  };

  const select = (index: number, focus: boolean): void => {
    buttons.forEach((button, i) => {
      const on = i === index;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      if (on) show(i);
      else panels[i].hidden = true;
    });
    if (focus) buttons[index].focus();
    onSelect(specs[index].id);
  };

  specs.forEach((spec, index) => {
    const tabId = uid('tab');
    const panelId = uid('panel');
    const button = h(
      'button',
      {
        class: spec.alert ? 'tab tab-alert' : 'tab',
        attrs: { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId, 'data-tab': spec.id },
        on: {
          click: () => select(index, false),
          keydown: (event) => {
            const last = specs.length - 1;
            const to =
              event.key === 'ArrowRight' ? (index === last ? 0 : index + 1)
              : event.key === 'ArrowLeft' ? (index === 0 ? last : index - 1)
              : event.key === 'Home' ? 0
              : event.key === 'End' ? last
              : -1;
            if (to === -1) return;
            event.preventDefault();
            select(to, true);
          },
        },
      },
      spec.label,
      spec.badge ? h('span', { class: 'tab-badge' }, spec.badge) : null,
    );
    const panel = h('div', { class: 'tabpanel', attrs: { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, tabindex: '0', 'data-panel': spec.id } });
    const on = spec.id === active;
    button.setAttribute('aria-selected', String(on));
    button.tabIndex = on ? 0 : -1;
    panel.hidden = true;
    buttons.push(button);
    panels.push(panel);
    list.appendChild(button);
    if (on) show(index);
  });

  return {
    element: h('div', { class: 'tabs' }, list, ...panels),
    rebuild(ids) {
      specs.forEach((spec, i) => {
        if (!ids.includes(spec.id) || !panels[i].firstChild) return;
        panels[i].replaceChildren();
        if (!panels[i].hidden) show(i);
      });
    },
  };
}
