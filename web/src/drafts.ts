// What was typed survives a trip to the sign-in page: when the token has expired mid-task, the values of the
// page's form fields are kept (this tab only) and put back once the person is signed in again.
const KEY = 'careledger.draft';

export interface Draft { route: string; values: Record<string, string> }

export function captureDraft(root: ParentNode, route: string): Draft {
  const values: Record<string, string> = {};
  root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('input[id], textarea[id], select[id]').forEach(el => {
    if (el instanceof HTMLInputElement && (el.type === 'password' || el.type === 'hidden')) return;
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
      values[el.id] = el.checked ? 'on' : '';
    } else if (el.value !== '') {
      values[el.id] = el.value;
    }
  });
  return { route, values };
}

export function keepDraft(draft: Draft): void {
  sessionStorage.setItem(KEY, JSON.stringify(draft));
}

/** Puts a kept draft back into the page if it belongs to this route; says whether it did. */
export function restoreDraft(root: ParentNode, route: string): boolean {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return false;
  const draft = JSON.parse(raw) as Draft;
  if (draft.route !== route) return false;
  sessionStorage.removeItem(KEY);
  let restored = false;
  for (const [id, value] of Object.entries(draft.values)) {
    const el = root.querySelector<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(`#${CSS.escape(id)}`);
    if (!el) continue;
    if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) el.checked = value === 'on';
    else el.value = value;
    restored = true;
  }
  return restored;
}
