/** What an applicant can take a ticket or book for: the themes (一件事) and the matters of the catalogue. */
import { useEffect, useState } from 'react';
import { api, errorText, type MatterSummary, type ThemeView } from '../../api.ts';

export interface HallChoice {
  kind: 'matter' | 'theme';
  code: string;
  name: string;
}

export function useHallChoices() {
  const [choices, setChoices] = useState<HallChoice[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    Promise.all([api<MatterSummary[]>('/matters'), api<ThemeView[]>('/themes')]).then(
      ([matters, themes]) =>
        setChoices([
          ...themes.map((t) => ({ kind: 'theme' as const, code: t.code, name: t.name })),
          ...matters.map((m) => ({ kind: 'matter' as const, code: m.code, name: m.name })),
        ]),
      (e: unknown) => setError(errorText(e)),
    );
  }, []);
  return { choices, error };
}

/** `{ matter }` or `{ theme }`, as the ticket, slot and booking requests take it. */
export const choiceBody = (choice: HallChoice): Record<string, string> => ({ [choice.kind]: choice.code });
