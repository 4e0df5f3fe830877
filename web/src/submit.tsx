/** A form's submission to the API: the sending state, an Idempotency-Key, and the API's Chinese error message. */
import { useState } from 'react';
import { Alert } from 'antd';
import { errorText } from './api.ts';
import { newKey } from './usePageTitle.ts';

/**
 * `submit(action)` runs `action` with the form's Idempotency-Key (one per filled-in form: a double click or a retry
 * after a timeout cannot act twice), shows `sending` meanwhile, and keeps the failure's message in `error`
 * (`describe` turns the failure into it; by default the API's own message). `renewKey` starts a new key, for forms
 * that send several commands in turn.
 */
export function useSubmit() {
  const [key, setKey] = useState(newKey);
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);

  async function submit(action: (key: string) => Promise<void>, describe: (e: unknown) => string = errorText) {
    setSending(true);
    setError(undefined);
    try {
      await action(key);
    } catch (e) {
      setError(describe(e));
    } finally {
      setSending(false);
    }
  }

  return { submit, sending, error, setError, renewKey: () => setKey(newKey()) };
}

/** The failure of a submission, above the form's button. */
export function SubmitError({ title, error }: { title: string; error: string | undefined }) {
  if (!error) return null;
  return <Alert type="error" showIcon title={title} description={error} role="alert" style={{ marginBottom: 16 }} />;
}
