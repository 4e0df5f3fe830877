export interface Figures {
  received: number;
  urgent: number;
  accepted: number;
  decided: number;
  approved: number;
  partiallyApproved: number;
  refused: number;
  withdrawn: number;
  notAccepted: number;
  terminated: number;
  onTime: number;
  onTimeRate: number | null;
  withinStatutoryRate: number | null;
  overdueOpen: number;
  nearDueOpen: number;
  atMostOneVisit: number;
  atMostOneVisitRate: number | null;
  ratings: Record<string, number>;
}

export interface Overview {
  from: string;
  to: string;
  asOf: string;
  totals: Figures;
  byDepartment: Array<Figures & { department: string; name: string }>;
  byMatter: Array<Figures & { matter: string; name: string }>;
  byWindow: Array<Figures & { window: string }>;
}

export interface Alerts {
  asOf: string;
  red: number;
  yellow: number;
  alerts: Array<{
    caseNo: string;
    level: string;
    levelLabel: string;
    deadlineLabel: string;
    due: string;
    statusLabel: string;
    applicantName: string;
    matters: Array<{ name: string }>;
    heldBy: Array<{ name: string }>;
  }>;
}
