// One page at a time. Pages render after their API answers arrive; when the person has moved on to another page in
// the meantime (a link clicked while the alert queue was still loading), the late answer belongs to a page nobody is
// looking at. Were it allowed to continue, that page would replace the one now in use — and what was being typed
// into it. So each navigation starts a new page, and an answer asked for by an earlier page never settles: the
// earlier page's remaining steps (render, error summary) simply do not run.

let page = 0;

/** A new page starts (the router calls this on every navigation). */
export function beginPage(): void {
  page += 1;
}

/** The answer, if the page that asked for it is still the current one; otherwise a promise that never settles. */
export async function forThisPage<T>(answer: Promise<T>): Promise<T> {
  const askedOn = page;
  let value: T;
  try {
    value = await answer;
  } catch (e) {
    if (askedOn !== page) return new Promise<T>(() => {});
    throw e;
  }
  if (askedOn !== page) return new Promise<T>(() => {});
  return value;
}
