import type { PublishInput } from '../../../shared/protocol/lookout-wire';
import { DEMO_USERS } from './demo-accounts';
import type { GatewayLogger } from '../logger';

type Publish = (event: PublishInput) => Promise<unknown>;

interface DemoTask {
  id: string;
  owner: string;
  title: string;
  progress: number;
  /** Decided at creation so some tasks fail part-way, as real ones do. */
  failsAt: number | null;
}

const BUSINESS_NAMES = [
  'Blue Fern Bistro',
  'Harbor Dental',
  'Kite & Key Studio',
  'Northside Barbers',
  'Olive Tree Spa',
  'Pine Street Physio',
  'Quill Coworking',
  'Riverbend Vets',
  'Sakura Sushi Bar',
  'Tidewater Yoga',
];
const TASK_TITLES = [
  'Nightly export',
  'Invoice batch',
  'Reindex catalogue',
  'Send reminders',
  'Import contacts',
  'Rebuild thumbnails',
];
const ALERTS = [
  'Payment provider error rate above 5 %',
  'Queue depth over threshold for 2 minutes',
  'Primary database failover in progress',
];

/**
 * Demo traffic so a newcomer sees a living dashboard within seconds: stats every tick (500 ms),
 * businesses created and updated, reservations, tasks that progress and complete or fail, and
 * now and then a critical alert. Deterministic enough to test (every channel gets events within
 * the first ticks), varied enough to look real.
 */
export class DemoSource {
  private timer: ReturnType<typeof setInterval> | null = null;
  private tick = 0;
  private businessCount = 0;
  private taskCount = 0;
  private readonly tasks: DemoTask[] = [];
  private totals = { messages: 120_000, batches: 2_400 };
  private failing = false;

  constructor(
    private readonly publish: Publish,
    private readonly logger: GatewayLogger,
    private readonly tickMs = 500,
    private readonly random: () => number = Math.random,
  ) {}

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.step();
    this.timer = setInterval(() => this.step(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private step(): void {
    const t = this.tick++;
    const events: PublishInput[] = [this.stats()];
    if (t % 3 === 0) events.push(this.dashboardEvent(t));
    if (t % 4 === 1) events.push(...this.newTask());
    if (t % 2 === 1) events.push(...this.advanceTasks());
    if (t % 40 === 6) events.push(...this.alert());
    for (const e of events) {
      this.publish(e).then(
        () => {
          if (this.failing) this.logger.info('demo source publishing again');
          this.failing = false;
        },
        (error: unknown) => {
          if (!this.failing)
            this.logger.warn('demo source cannot publish', { error: String(error) });
          this.failing = true;
        },
      );
    }
  }

  private stats(): PublishInput {
    const rate = Math.round(180 + this.random() * 120);
    this.totals.messages += Math.round(rate * (this.tickMs / 1000));
    const batchProgress = Math.floor(this.random() * 50);
    if (batchProgress < 5) this.totals.batches += 1;
    return {
      channel: 'stats',
      kind: 'stats.update',
      title: 'Stats',
      data: {
        totalMessages: this.totals.messages,
        queueDepth: Math.round(this.random() * 400),
        messagesPerSecond: rate,
        totalBatches: this.totals.batches,
        avgBatchSize: Math.round((40 + this.random() * 10) * 10) / 10,
        batchThreshold: 50,
        batchProgress,
        batchProgressPercent: batchProgress * 2,
        batchesReady: Math.floor(this.random() * 3),
      },
    };
  }

  private dashboardEvent(t: number): PublishInput {
    const pick = t === 0 || this.businessCount === 0 ? 0 : Math.floor(this.random() * 3);
    if (pick === 0 || this.businessCount === 0) {
      const id = ++this.businessCount;
      const name = BUSINESS_NAMES[(id - 1) % BUSINESS_NAMES.length] ?? 'Business';
      return {
        channel: 'dashboard',
        kind: 'business.created',
        title: 'New business',
        body: `New business "${name}" created`,
        link: `businesses/${id}`,
        data: { business: businessData(id, name, 0) },
      };
    }
    const id = 1 + Math.floor(this.random() * this.businessCount);
    const name = BUSINESS_NAMES[(id - 1) % BUSINESS_NAMES.length] ?? 'Business';
    if (pick === 1) {
      return {
        channel: 'dashboard',
        kind: 'business.updated',
        title: 'Business updated',
        body: `Business "${name}" updated`,
        link: `businesses/${id}`,
        data: { business: businessData(id, name, Math.floor(this.random() * 40)) },
      };
    }
    return {
      channel: 'dashboard',
      kind: 'reservation.created',
      title: 'New reservation',
      body: `New reservation for ${name}`,
      link: `businesses/${id}`,
      data: {
        business_name: name,
        reservation: {
          id: t,
          business_id: id,
          party_size: 1 + Math.floor(this.random() * 6),
          starts_at: new Date(Date.now() + 86_400_000).toISOString(),
        },
      },
    };
  }

  private newTask(): PublishInput[] {
    const n = ++this.taskCount;
    const owner = DEMO_USERS[n % DEMO_USERS.length]?.username ?? 'admin@lookout.local';
    const task: DemoTask = {
      id: `demo-${n}`,
      owner,
      title: TASK_TITLES[n % TASK_TITLES.length] ?? 'Task',
      progress: 0,
      failsAt: n % 4 === 3 ? 40 + Math.floor(this.random() * 40) : null,
    };
    this.tasks.push(task);
    return this.taskEvent(task, 'task.created', 'info', `${task.title} queued`);
  }

  private advanceTasks(): PublishInput[] {
    const out: PublishInput[] = [];
    for (const task of [...this.tasks]) {
      task.progress = Math.min(100, task.progress + 20 + Math.floor(this.random() * 20));
      if (task.failsAt !== null && task.progress >= task.failsAt) {
        out.push(
          ...this.taskEvent(
            task,
            'task.failed',
            'warning',
            `${task.title} failed at ${task.failsAt} %`,
          ),
        );
        this.tasks.splice(this.tasks.indexOf(task), 1);
      } else if (task.progress >= 100) {
        out.push(...this.taskEvent(task, 'task.completed', 'info', `${task.title} finished`));
        this.tasks.splice(this.tasks.indexOf(task), 1);
      } else {
        out.push(
          ...this.taskEvent(task, 'task.progress', 'info', `${task.title}: ${task.progress} %`),
        );
      }
    }
    return out;
  }

  private taskEvent(
    task: DemoTask,
    kind: PublishInput['kind'],
    severity: 'info' | 'warning',
    body: string,
  ): PublishInput[] {
    const status =
      kind === 'task.completed'
        ? 'completed'
        : kind === 'task.failed'
          ? 'failed'
          : kind === 'task.created'
            ? 'pending'
            : 'processing';
    const data = {
      task_id: task.id,
      user_id: task.owner,
      status,
      progress: kind === 'task.failed' ? (task.failsAt ?? 0) : task.progress,
      message: body,
    };
    // One step of one task, on the owner's list and on the task's own channel: one origin.
    return [
      {
        channels: [`tasks:${task.owner}`, `task:${task.id}`],
        kind,
        severity,
        title: task.title,
        body,
        data,
        link: `tasks/${task.id}`,
      },
    ];
  }

  /** One alert, on the dashboard and in every user's notifications: one publish, one origin. */
  private alert(): PublishInput[] {
    const text = ALERTS[Math.floor(this.random() * ALERTS.length)] ?? 'Alert';
    return [
      {
        channels: ['dashboard', ...DEMO_USERS.map((u) => `notifications:${u.username}`)],
        kind: 'alert',
        severity: 'critical',
        title: 'Critical alert',
        body: text,
        data: { source: 'demo' },
      },
    ];
  }
}

function businessData(id: number, name: string, reservations: number) {
  const subdomain = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  const now = new Date().toISOString();
  return {
    id,
    name,
    subdomain,
    email: `hello@${subdomain}.example`,
    is_active: true,
    subscription_status: 'active',
    created_at: now,
    updated_at: now,
    user_count: 1 + (id % 5),
    reservation_count: reservations,
  };
}
