import { describe, expect, it } from 'vitest';
import { createErrorReporter, describeThrown, errorDetails, errorReport } from './error-report';

const caught = {
  scope: 'Diagnostics',
  name: 'RangeError',
  message: 'bad number',
  stack: 'RangeError: bad number\n    at format (app.js:1:2)',
  componentStack: '\n    at DiagnosticsView\n    at Main',
  at: Date.UTC(2026, 10, 30, 9, 42),
};

describe('error details and reports', () => {
  it('the copied details say what, where, when, and hold both stacks', () => {
    expect(
      errorDetails(caught, {
        appVersion: '0.1.0',
        host: 'electron',
        route: '#/diagnostics',
        userAgent: 'UA',
      }),
    ).toBe(
      [
        'Lookout 0.1.0 (electron): render error in Diagnostics',
        'When: 2026-11-30T09:42:00.000Z',
        'View: #/diagnostics',
        'Error: RangeError: bad number',
        '',
        'Stack:',
        'RangeError: bad number\n    at format (app.js:1:2)',
        '',
        'Component stack:',
        'at DiagnosticsView\n    at Main',
        '',
        'User agent: UA',
        '',
      ].join('\n'),
    );
  });

  it('explains what was thrown even when it is not an Error', () => {
    expect(describeThrown('plain text')).toEqual({
      name: 'Non-error thrown',
      message: 'plain text',
    });
    expect(describeThrown({ code: 7 })).toEqual({
      name: 'Non-error thrown',
      message: '{"code":7}',
    });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeThrown(cyclic).message).toBe('[object Object]');
    expect(describeThrown(undefined).message).toBe('undefined');
  });

  it('reports fit the IPC contract and a render loop cannot flood the main process log', () => {
    const huge = { ...caught, message: 'x'.repeat(10_000), stack: 'y'.repeat(20_000) };
    const report = errorReport(huge);
    expect(report.message.length).toBe(2_000);
    expect(report.stack?.length).toBe(8_000);
    const sent: unknown[] = [];
    const reporter = createErrorReporter({ send: (_channel, payload) => sent.push(payload) });
    for (let i = 0; i < 100; i += 1) reporter(caught);
    expect(sent).toHaveLength(20);
    // No bridge, or one that throws: reporting never throws.
    expect(() => createErrorReporter(null)(caught)).not.toThrow();
    const throwing = createErrorReporter({
      send: () => {
        throw new Error('gone');
      },
    });
    expect(() => throwing(caught)).not.toThrow();
  });
});
