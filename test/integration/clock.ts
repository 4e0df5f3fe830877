/** The shared test stack's virtual "now": Monday 2 March 2026, 09:00 in China (an ordinary working week). */
export const TEST_CLOCK_START = '2026-03-02T09:00:00+08:00';
export const TEST_TODAY = '2026-03-02';
