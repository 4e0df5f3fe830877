/** The hall's settings as the API uses them, with the defaults of infra/config.ts when none are given. */
import { readSettings, type HallSettings } from '../../infra/config.ts';

export const DEFAULT_HALL: HallSettings = readSettings({}).hall;

export function hallSettings(given?: Partial<HallSettings>): HallSettings {
  return { ...DEFAULT_HALL, ...given };
}
