/** The case view's files, grouped by material and named for the pages. */
import type { CaseView } from '../api.ts';
import type { MaterialFiles } from './FileViewer.tsx';

export function filesByMaterial(view: CaseView, names: Map<string, string>): MaterialFiles[] {
  // PROVISIONAL until the case view declares its files.
  void view;
  void names;
  return [];
}
