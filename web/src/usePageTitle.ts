import { useEffect } from 'react';

/** The document title names the page (screen readers announce it; tabs show it). */
export function usePageTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · 政务服务中心 一门式审批`;
  }, [title]);
}

/** An Idempotency-Key (crypto.randomUUID needs a secure context; getRandomValues does not). */
export function newKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
