/**
 * Setup for the unit tests: in the jsdom tests (the panels, the canvas), testing-library's
 * `waitFor` and `findBy` wait up to 10 s instead of 1 s. The panels answer through promises and
 * timers; on a loaded 2-core CI machine a second was sometimes too short, and a wrong answer
 * still fails, only later.
 */
if (typeof document !== 'undefined') {
  const { configure } = await import('@testing-library/react');
  configure({ asyncUtilTimeout: 10_000 });
}
export {};
