/**
 * Pure and clock-free: which endpoint health is an incident a person off the dashboard must hear
 * of, and when an incident or its recovery is due to notify.
 */
import { coarseDuration, type EndpointHealth } from '../../../shared/model/health';
import type { OsNotification } from './notifier';

/** What kind of trouble an endpoint is in, as far as a person off the dashboard needs to know. */
export type IncidentKind = 'down' | 'deaf' | 'sign-in';

/**
 * The incident an endpoint's health amounts to, or null when nothing needs a person: not
 * connected (retrying or not), connected but deaf (no data will ever come), or waiting for a
 * sign-in. A stopped or never-started endpoint is the user's choice, not an incident.
 */
export function incidentOf(health: EndpointHealth): IncidentKind | null {
  switch (health.state) {
    case 'auth-required':
      return 'sign-in';
    case 'connecting':
    case 'backing-off':
    case 'stale':
      return 'down';
    case 'open':
      return health.delivery.status === 'deaf' ? 'deaf' : null;
    case 'idle':
    case 'stopped':
      return null;
  }
}

interface Incident {
  kind: IncidentKind;
  since: number;
  /** Its notification was shown (only then does its end notify too). */
  announced: boolean;
  /** Its notification was decided (shown or held back by a pause): decided once per incident. */
  decided: boolean;
  health: EndpointHealth;
}

/** What the watch asks its owner to do: show an incident or a recovery. */
export interface IncidentNotice {
  notification: OsNotification;
  /** The owner reports back whether it was shown (a pause holds it). */
  phase: 'incident' | 'recovery';
}

/**
 * Connection incidents as notifications: one when an endpoint has been down, deaf or waiting for
 * a sign-in for longer than `afterMs`, and one when it recovers (only if the first was shown).
 * A blip shorter than the threshold notifies nothing; a change of kind within one incident (down,
 * then refused at sign-in) stays one incident. Clock-free: the owner passes `now` and calls
 * `due(now)` at `nextDueAt()`.
 */
export class IncidentWatch {
  private readonly open = new Map<string, Incident>();

  constructor(
    private afterMs: number,
    /** The endpoint's name as the user knows it. */
    private readonly nameOf: (endpoint: string) => string,
  ) {}

  setThreshold(afterMs: number): void {
    this.afterMs = afterMs;
  }

  /** New health for an endpoint; returns a recovery notice when an announced incident ended. */
  update(health: EndpointHealth, now: number): IncidentNotice | null {
    const kind = incidentOf(health);
    const current = this.open.get(health.endpoint);
    if (kind === null) {
      if (!current) return null;
      this.open.delete(health.endpoint);
      return current.announced ? this.recovery(current, now) : null;
    }
    if (current) {
      current.kind = kind;
      current.health = health;
    } else {
      this.open.set(health.endpoint, {
        kind,
        since: now,
        announced: false,
        decided: false,
        health,
      });
    }
    return null;
  }

  /** An endpoint was removed: its incident ends without a word. */
  forget(endpoint: string): void {
    this.open.delete(endpoint);
  }

  /** Incidents that have lasted past the threshold at `now`, each returned once. */
  due(now: number): IncidentNotice[] {
    const out: IncidentNotice[] = [];
    for (const incident of this.open.values()) {
      if (incident.decided || now - incident.since < this.afterMs) continue;
      incident.decided = true;
      out.push({ phase: 'incident', notification: this.incidentNotification(incident, now) });
    }
    return out;
  }

  /** The owner showed the incident's notification: its end will be announced too. */
  announced(endpoint: string): void {
    const incident = this.open.get(endpoint);
    if (incident) incident.announced = true;
  }

  /** When `due` next has something, or null. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const i of this.open.values()) {
      if (i.decided) continue;
      const at = i.since + this.afterMs;
      next = next === null ? at : Math.min(next, at);
    }
    return next;
  }

  private incidentNotification(incident: Incident, now: number): OsNotification {
    const { endpoint } = incident.health;
    const name = this.nameOf(endpoint);
    const lasted = coarseDuration(now - incident.since);
    const outcome = incident.health.lastOutcome?.meaning;
    const text: Record<IncidentKind, { title: string; body: string; link: string }> = {
      down: {
        title: `${name} is down`,
        body: `Not connected for ${lasted}${outcome ? `: ${outcome}` : ''}. Lookout keeps retrying.`,
        link: `diagnostics/${endpoint}`,
      },
      deaf: {
        title: `${name} is deaf`,
        body: `Connected, but no data can arrive for ${lasted}: the service lost its Redis subscription; restart it.`,
        link: `diagnostics/${endpoint}`,
      },
      'sign-in': {
        title: `${name} needs you to sign in`,
        body: `Waiting for a sign-in for ${lasted}${incident.health.auth.detail ? `: ${incident.health.auth.detail}` : ''}.`,
        link: 'settings',
      },
    };
    const t = text[incident.kind];
    const id = `incident:${endpoint}:${incident.since}`;
    return {
      id,
      title: t.title,
      body: t.body,
      severity: 'warning',
      link: t.link,
      endpoint,
      source: name,
      groupKey: `${endpoint}|incident`,
      origin: 'incident',
      eventIds: [id],
    };
  }

  private recovery(incident: Incident, now: number): IncidentNotice {
    const { endpoint } = incident.health;
    const name = this.nameOf(endpoint);
    const id = `incident:${endpoint}:${incident.since}:recovered`;
    return {
      phase: 'recovery',
      notification: {
        id,
        title: `${name} is back`,
        body: `Working again after ${coarseDuration(now - incident.since)}.`,
        severity: 'info',
        link: 'dashboard',
        endpoint,
        source: name,
        groupKey: `${endpoint}|incident`,
        origin: 'incident',
        eventIds: [id],
      },
    };
  }
}
