/**
 * Runs the case's steps one at a time. An Update handler waits on an activity; without this, a second command (or
 * the deadline timer) could decide on the state the first one is about to replace.
 */
export function serialised() {
  let tail: Promise<unknown> = Promise.resolve();
  return function exclusive<T>(step: () => Promise<T>): Promise<T> {
    const run = tail.then(step);
    tail = run.catch(() => undefined);
    return run;
  };
}
