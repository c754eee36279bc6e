import { describe, expect, it } from 'vitest';
import { beginPage, forThisPage } from './navigation';

const settledWithin = async <T>(p: Promise<T>): Promise<{ settled: boolean; value?: T; error?: unknown }> => {
  let outcome: { settled: boolean; value?: T; error?: unknown } = { settled: false };
  p.then(value => { outcome = { settled: true, value }; }, error => { outcome = { settled: true, error }; });
  await new Promise(resolve => setTimeout(resolve, 20));
  return outcome;
};

describe('an answer for a page the person has left', () => {
  it('reaches the page that asked when it is still the current page', async () => {
    beginPage();
    expect(await settledWithin(forThisPage(Promise.resolve('alerts')))).toEqual({ settled: true, value: 'alerts' });
    const failure = new Error('refused');
    expect(await settledWithin(forThisPage(Promise.reject(failure)))).toEqual({ settled: true, error: failure });
  });

  it('never settles once another page has begun, answer or failure', async () => {
    beginPage();
    let answer!: (v: string) => void;
    let fail!: (e: Error) => void;
    const slow = forThisPage(new Promise<string>(resolve => { answer = resolve; }));
    const slowFailure = forThisPage(new Promise<string>((_, reject) => { fail = reject; }));
    beginPage(); // the person clicked another link while both were loading
    answer('alerts');
    fail(new Error('refused'));
    expect(await settledWithin(slow)).toEqual({ settled: false });
    expect(await settledWithin(slowFailure)).toEqual({ settled: false });
  });

  it('an answer asked for on the new page still arrives', async () => {
    beginPage();
    const earlier = forThisPage(new Promise<string>(resolve => setTimeout(() => resolve('old'), 5)));
    beginPage();
    const current = forThisPage(new Promise<string>(resolve => setTimeout(() => resolve('new'), 5)));
    expect(await settledWithin(current)).toEqual({ settled: true, value: 'new' });
    expect(await settledWithin(earlier)).toEqual({ settled: false });
  });
});
