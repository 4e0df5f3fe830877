/** The supervision answers, as the API declares them (api/schemas/supervision.ts). */
export type { Alerts, Figures, Overview } from '../../api.ts';
