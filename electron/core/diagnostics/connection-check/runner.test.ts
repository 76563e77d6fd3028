import { describe, expect, it } from 'vitest';
import { endpointSchema } from '../../../../shared/config/endpoint';
import { CHECK_STEPS, type CheckStepId } from '../../../../shared/model/diagnostics';
import { noCredentials } from '../../kernel/ports';
import { ManualClock } from '../../../../test/support/manual-clock';
import { Redactor } from '../../kernel/redact';
import { DIALECTS } from '../../dialects';
import type { CheckStepRunner, ConnectionCheckOptions, StepOutcome } from './check-step';
import { runSteps, STEPS } from './runner';
import { templateStep } from './template.step';

const options = (over: Partial<ConnectionCheckOptions> = {}): ConnectionCheckOptions => {
  const redactor = new Redactor();
  redactor.addSecret('hunter2-secret');
  return {
    endpoint: endpointSchema.parse({
      id: 'e',
      name: 'E',
      dialect: 'lookout',
      url: 'ws://127.0.0.1:9/',
    }),
    dialect: DIALECTS.lookout,
    credentials: noCredentials,
    redactor,
    clock: new ManualClock(),
    ...over,
  };
};

/** A step that reports `outcome` and records that it ran. */
function fake(id: CheckStepId, outcome: StepOutcome | Error, ran: string[]): CheckStepRunner {
  return {
    id,
    async run() {
      ran.push(id);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
}

const ok: StepOutcome = { status: 'ok', detail: 'fine' };

describe('the connection check runner', () => {
  it('runs every step of the report, in its order, one file per step', () => {
    expect(STEPS.map((s) => s.id)).toEqual([...CHECK_STEPS]);
  });

  it('skips every step after a failure, saying why, and runs none of them', async () => {
    const ran: string[] = [];
    const report = await runSteps(options(), [
      fake('dns', ok, ran),
      fake('tcp', { status: 'failed', detail: 'refused', advice: 'Start it.' }, ran),
      fake('upgrade', ok, ran),
      fake('auth', ok, ran),
    ]);
    expect(ran).toEqual(['dns', 'tcp']);
    expect(report.steps.map((s) => [s.id, s.status, s.detail])).toEqual([
      ['dns', 'ok', 'fine'],
      ['tcp', 'failed', 'refused'],
      ['upgrade', 'skipped', 'Not tried: an earlier step failed.'],
      ['auth', 'skipped', 'Not tried: an earlier step failed.'],
    ]);
    expect(report.ok).toBe(false);
    expect(report.summary).toBe('Fails at tcp: refused Start it.');
  });

  it('uses the skip reasons the stopping step gave, and halts after an ok step that asks to', async () => {
    const ran: string[] = [];
    const failed = await runSteps(options(), [
      fake(
        'upgrade',
        {
          status: 'failed',
          detail: 'HTTP 404',
          skipReasons: { auth: 'Not tried: the upgrade failed.' },
        },
        ran,
      ),
      fake('auth', ok, ran),
      fake('subscribe', ok, ran),
    ]);
    expect(failed.steps.map((s) => s.detail)).toEqual([
      'HTTP 404',
      'Not tried: the upgrade failed.',
      'Not tried: an earlier step failed.',
    ]);
    const signIn = await runSteps(options({ stopAfterAuth: true }), [
      fake('auth', { ...ok, haltReason: 'Not run: only the sign-in was checked.' }, ran),
      fake('subscribe', ok, ran),
    ]);
    expect(signIn.steps.map((s) => [s.status, s.detail])).toEqual([
      ['ok', 'fine'],
      ['skipped', 'Not run: only the sign-in was checked.'],
    ]);
    expect(signIn.ok).toBe(true);
    expect(signIn.summary).toBe('Signed in: the server accepted the credentials.');
    expect(ran).toEqual(['upgrade', 'auth']);
  });

  it('goes on after a failure that leaves the connection usable', async () => {
    const ran: string[] = [];
    const report = await runSteps(options(), [
      fake('subscribe', { status: 'failed', detail: 'refused', keepGoing: true }, ran),
      fake('round-trip', ok, ran),
    ]);
    expect(ran).toEqual(['subscribe', 'round-trip']);
    expect(report.steps.map((s) => s.status)).toEqual(['failed', 'ok']);
  });

  it('reports a step that throws as failed, never throws itself, and redacts every detail', async () => {
    const ran: string[] = [];
    const report = await runSteps(options(), [
      fake('dns', { status: 'ok', detail: 'token hunter2-secret seen' }, ran),
      fake('tcp', new Error('boom'), ran),
      fake('upgrade', ok, ran),
    ]);
    expect(report.steps.map((s) => [s.id, s.status])).toEqual([
      ['dns', 'ok'],
      ['tcp', 'failed'],
      ['upgrade', 'skipped'],
    ]);
    expect(report.steps[1]?.detail).toMatch(/tcp step failed unexpectedly: boom/);
    expect(JSON.stringify(report)).not.toContain('hunter2-secret');
  });

  it('says delivery is not proven unless it is, and "all passed" only then', async () => {
    const ran: string[] = [];
    const warned = await runSteps(options(), [
      fake('round-trip', ok, ran),
      fake('delivery', { status: 'warning', detail: 'No data.' }, ran),
    ]);
    expect(warned.summary).toBe('Reachable and answering, but delivery is not proven: No data.');
    const passed = await runSteps(options(), [fake('delivery', ok, ran)]);
    expect(passed.summary).toMatch(/^All checks passed/);
  });

  it('the copy-me template is a working step', async () => {
    const report = await runSteps(options(), [templateStep]);
    expect(report.steps[0]).toMatchObject({
      id: 'dns',
      status: 'failed',
      advice: 'What to do about it.',
    });
  });
});
